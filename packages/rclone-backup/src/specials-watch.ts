import { RCLONE_LINK_SUFFIX } from '@rclone-b2/core';
import { SPECIAL_NOISE } from './context.js';
import type { RcloneLogRecord } from './rclone-log.js';
import { statSpecials, type SpecialFile } from './specials.js';

const LINK_NAME = new RegExp(`${RCLONE_LINK_SUFFIX.replaceAll('.', '\\.')}(/|$)`);

/**
 * Reads a sync's own log for what the walk of SOURCE used to find, so an unchanged SOURCE
 * needs no walk: rclone's local backend names every FIFO, device and socket it lists
 * ("Can't transfer non file/directory", at notice level, so rclone must not run with -q),
 * after the filters, as the sync sees the tree. It also notes records about names that
 * rclone's --links encoding may not store (`*.rclonelink` in an error, a copy or a
 * duplicate), the only case in which the name-conflict walk is needed.
 */
export class SpecialsWatch {
  private readonly named = new Set<string>();
  private linkNews = false;

  record(record: RcloneLogRecord): void {
    if (!record.object) return;
    if (SPECIAL_NOISE.test(record.msg)) this.named.add(record.object);
    else if (LINK_NAME.test(record.object) && (record.level === 'error' || record.skipped === 'copy' || /^Copied|Duplicate/.test(record.msg))) this.linkNews = true;
  }

  /** Whether a name that --links may not store came up (new, copied or failing). */
  get linkNamesChanged(): boolean {
    return this.linkNews;
  }

  /** The special files (not sockets) among those rclone named, as they are now, in the walk's order. */
  specials(root: string, onMissing: (path: string) => void): Promise<SpecialFile[]> {
    return statSpecials(root, this.named, onMissing);
  }
}
