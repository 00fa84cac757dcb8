import { formatSize } from '../../text/sizes.js';
import type { DuPrinter } from './types.js';
import { printRows } from './rows.js';

/** `SIZE<TAB>PATH`, as du prints it (`sort -n` and `sort -h` friendly). */
export const textPrinter: DuPrinter = {
  async print(tree, out, options) {
    const human = options.human ?? false;
    await printRows(tree, out, options, (rows) => {
      let text = '';
      for (const row of rows) text += `${human ? formatSize(row.size) : row.size}\t${row.path}\n`;
      return text;
    });
  },
};
