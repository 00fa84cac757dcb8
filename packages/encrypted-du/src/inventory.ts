import { isVisibleKind, versionedPath, type B2FileVersion } from '@rclone-b2/core';

/** One file's versions with its decrypted path (newest first, as B2 lists them). */
export interface PlainHistory {
  path: string;
  fileName: string;
  versions: B2FileVersion[];
}

/** One line of an inventory: a plaintext size and a name. */
export interface InventoryEntry {
  path: string;
  size: number;
  /** Bytes B2 stores (and bills) for this version: the encrypted size. */
  stored: number;
  /** The current version of a live file (goes to the undeleted inventory); else old/deleted. */
  current: boolean;
}

/**
 * Turns one file's history into inventory entries. The newest upload of a live file keeps
 * its plain name; every other upload (old versions, and all uploads of a deleted file, as
 * `rclone --b2-versions` shows them) is named as rclone names it: `-vYYYY-MM-DD-HHMMSS-mmm`
 * (upload time, UTC) before the extension of the last segment. Hide markers and unfinished uploads hold no space and are skipped.
 * `plainSize` maps the stored (encrypted) length to the plaintext length.
 */
export function* inventoryEntries(history: PlainHistory, plainSize: (stored: number) => number): Generator<InventoryEntry> {
  let first = true;
  for (const version of history.versions) {
    if (!isVisibleKind(version)) continue;
    const isFirst = first;
    first = false;
    if (version.action !== 'upload') continue;
    const size = plainSize(version.contentLength);
    const stored = version.contentLength;
    if (isFirst) yield { path: history.path, size, stored, current: true };
    else yield { path: versionedPath(history.path, version.uploadTimestamp), size, stored, current: false };
  }
}
