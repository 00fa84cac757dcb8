import { formatSize } from '../../text/sizes.js';
import { sortedRows } from '../select.js';
import type { DuPrinter } from './types.js';

/**
 * `SIZE<TAB>PATH`, as du prints it (`sort -n` and `sort -h` friendly). Each directory's
 * path prefix is built once and cached, so a row costs one concatenation chain.
 */
export const textPrinter: DuPrinter = {
  async print(tree, out, options) {
    const rows = sortedRows(tree, options);
    const human = options.human ?? false;
    let text = '';
    for (let k = 0; k < rows.length; k += 1) {
      const size = rows.size(k);
      text += (human ? formatSize(size) : size) + '\t' + rows.prefix(k) + rows.name(k) + '\n';
      if (text.length > 65536) {
        const wait = out.write(text);
        text = '';
        if (wait) await wait;
      }
    }
    const wait = out.write(text);
    if (wait) await wait;
  },
};
