import type { DuPrinter } from './types.js';
import { printRows } from './rows.js';

/** RFC 4180 CSV with a header: `size,path,type` (sizes always in bytes). */
export const csvPrinter: DuPrinter = {
  async print(tree, out, options) {
    // Loaded only when CSV is asked for (it is 8 modules of start-up otherwise).
    const { stringify } = await import('csv-stringify/sync');
    let header = true;
    await printRows(tree, out, options, (rows) => {
      const text = stringify(
        rows.map((row) => [row.size, row.path, row.dir ? 'dir' : 'file']),
        header ? { header: true, columns: ['size', 'path', 'type'] } : {},
      );
      header = false;
      return text;
    });
    if (header) {
      const wait = out.write('size,path,type\n');
      if (wait) await wait;
    }
  },
};
