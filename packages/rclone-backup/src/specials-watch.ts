import { findLocalPaths, localPathOf } from '@rclone-b2/core';
import { SPECIAL_NOISE } from './context.js';
import type { RcloneLogRecord } from './rclone-log.js';
import { statSpecials, type SpecialFile } from './specials.js';

/**
 * Reads a sync's own log for what the walk of SOURCE used to find, so an unchanged SOURCE
 * needs no walk: rclone's local backend names every FIFO, device and socket it lists
 * ("Can't transfer non file/directory", at notice level, so rclone must not run with -q),
 * leaving out what is in directories the filters exclude (through the union that carries
 * the archive, name rules such as `- *.tmp` do not hide them: checked on rclone 1.60.1).
 * It names them in its standard encoding (a control character as its ␁ picture, a literal
 * `‛` doubled); findLocalPaths maps each back to the file(s) rclone listed under it (a file
 * `a‛b` is named `a‛‛b`, like a file `a‛‛b`).
 */
export class SpecialsWatch {
  private readonly named = new Set<string>();

  record(record: RcloneLogRecord): void {
    if (record.object && SPECIAL_NOISE.test(record.msg)) this.named.add(record.object);
  }

  /** The special files (not sockets) among those rclone named, as they are now, in the walk's order. */
  async specials(root: string, onMissing: (path: string) => void): Promise<SpecialFile[]> {
    const paths: string[] = [];
    for (const [name, found] of await findLocalPaths(root, this.named)) {
      if (found.length === 0) onMissing(localPathOf(name));
      paths.push(...found);
    }
    return statSpecials(root, paths, onMissing);
  }
}
