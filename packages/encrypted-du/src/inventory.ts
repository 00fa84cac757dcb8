import { versionedPath, type B2FileVersion } from '@rclone-b2/core';

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

/** Which of a file's entries an inventory takes: all, the current one (undeleted), the others (deleted). */
export type EntryPick = 'all' | 'current' | 'old';

/**
 * One file's inventory entries in columns reused from file to file, so a listing of millions
 * of versions makes no object (and no name string) per version. The newest upload of a live
 * file keeps its plain name; every other upload (old versions, and all uploads of a deleted
 * file, as `rclone --b2-versions` shows them) is named as rclone names it:
 * `-vYYYY-MM-DD-HHMMSS-mmm` (upload time, UTC) before the extension of the last segment.
 * Hide markers and unfinished uploads hold no space and are skipped. `plainSize` maps the
 * stored (encrypted) length to the plaintext length.
 */
export class FileEntries {
  path = '';
  count = 0;
  size = new Float64Array(16);
  stored = new Float64Array(16);
  time = new Float64Array(16);
  current = new Uint8Array(16);

  fill(history: PlainHistory, plainSize: (stored: number) => number): this {
    this.path = history.path;
    this.count = 0;
    let first = true;
    for (const version of history.versions) {
      if (version.action !== 'upload' && version.action !== 'hide') continue;
      const isFirst = first;
      first = false;
      if (version.action !== 'upload') continue;
      if (this.count === this.size.length) this.grow();
      const k = this.count;
      this.size[k] = plainSize(version.contentLength);
      this.stored[k] = version.contentLength;
      this.time[k] = version.uploadTimestamp;
      this.current[k] = isFirst ? 1 : 0;
      this.count += 1;
    }
    return this;
  }

  /** Whether entry k belongs in the inventory that takes `pick`. */
  picked(k: number, pick: EntryPick): boolean {
    return pick === 'all' || (this.current[k] === 1) === (pick === 'current');
  }

  /** Entry k's listed name. */
  name(k: number): string {
    return this.current[k] === 1 ? this.path : versionedPath(this.path, this.time[k] as number);
  }

  private grow(): void {
    const n = this.size.length * 2;
    const size = new Float64Array(n);
    const stored = new Float64Array(n);
    const time = new Float64Array(n);
    const current = new Uint8Array(n);
    size.set(this.size);
    stored.set(this.stored);
    time.set(this.time);
    current.set(this.current);
    Object.assign(this, { size, stored, time, current });
  }
}

/** A file's inventory entries as objects (tests, and anything not in a hot loop). */
export function* inventoryEntries(history: PlainHistory, plainSize: (stored: number) => number): Generator<InventoryEntry> {
  const entries = new FileEntries().fill(history, plainSize);
  for (let k = 0; k < entries.count; k += 1) {
    yield { path: entries.name(k), size: entries.size[k] as number, stored: entries.stored[k] as number, current: entries.current[k] === 1 };
  }
}
