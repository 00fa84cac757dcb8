import type { DuPrinter } from './types.js';
import { printRows } from './rows.js';

/** A JSON array, one `{"path","size","dir"}` object per line (like `rclone lsjson`). */
export const jsonPrinter: DuPrinter = {
  async print(tree, out, options) {
    let first = true;
    await printRows(tree, out, options, (rows) => {
      let text = first ? '[\n' : ',\n';
      first = false;
      for (let i = 0; i < rows.length; i += 1) {
        const row = rows[i]!;
        if (i > 0) text += ',\n';
        text += `{"path":${JSON.stringify(row.path)},"size":${row.size},"dir":${row.dir}}`;
      }
      return text;
    });
    const wait = out.write(first ? '[]\n' : '\n]\n');
    if (wait) await wait;
  },
};
