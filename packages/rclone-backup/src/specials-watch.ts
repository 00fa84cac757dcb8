import { decodeName, localPathOf, STANDARD_ENCODING } from '@rclone-b2/core';
import { SPECIAL_NOISE } from './context.js';
import type { RcloneLogRecord } from './rclone-log.js';
import { compareSpecialPaths, statSpecials, type SpecialFile } from './specials.js';

/**
 * Reads a sync's own log for what the walk of SOURCE used to find, so an unchanged SOURCE
 * needs no walk: rclone's local backend names every FIFO, device and socket it lists
 * ("Can't transfer non file/directory", at notice level, so rclone must not run with -q),
 * leaving out what is in directories the filters exclude (through the union that carries
 * the archive, name rules such as `- *.tmp` do not hide them: checked on rclone 1.60.1).
 * It names them in its standard encoding (a control character as its ␁ picture, a literal
 * `‛` doubled), so each is looked up under the local name rclone would write for it and,
 * failing that, under the plain decoding (rclone 1.60.1 lists a file `a‛b` as `a‛‛b`).
 */
export class SpecialsWatch {
  private readonly named = new Set<string>();

  record(record: RcloneLogRecord): void {
    if (record.object && SPECIAL_NOISE.test(record.msg)) this.named.add(record.object);
  }

  /** The special files (not sockets) among those rclone named, as they are now, in the walk's order. */
  async specials(root: string, onMissing: (path: string) => void): Promise<SpecialFile[]> {
    const listed = new Map([...this.named].map((name) => [localPathOf(name), name]));
    const retry: string[] = [];
    const found = await statSpecials(root, listed.keys(), (path) => {
      const decoded = (listed.get(path) ?? path)
        .split('/')
        .map((segment) => decodeName(STANDARD_ENCODING, segment))
        .join('/');
      if (decoded === path) onMissing(path);
      else retry.push(decoded);
    });
    if (retry.length === 0) return found;
    const more = await statSpecials(root, retry, onMissing);
    return [...found, ...more].sort((a, b) => compareSpecialPaths(a.path, b.path));
  }
}
