import { appendFileSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The planned deletions, one path a line, for `rclone delete --files-from-raw`. rclone's
 * records arrive in a synchronous callback, so paths are appended in 64 KiB chunks,
 * synchronously (memory stays bounded). The file and its directory are made on the first
 * chunk: an unchanged run, which deletes nothing, touches no temporary file at all.
 */
export class DeletionList {
  private dir: string | undefined;
  private chunk = '';
  /**
   * Paths holding U+FFFD: rclone's JSON log puts it for each byte of a name that is not
   * UTF-8, so such a path may not name the destination's file (a local or SFTP one keeps
   * the raw bytes), and `delete --files-from-raw` then finds nothing. A few, to name them.
   */
  readonly unnameable: string[] = [];

  /** `parent`: where the list's own temporary directory is made. */
  constructor(private readonly parent: string = tmpdir()) {}

  add(path: string): void {
    if (path.includes('\ufffd') && this.unnameable.length < 10) this.unnameable.push(path);
    this.chunk += `${path}\n`;
    if (this.chunk.length >= 64 * 1024) this.flush();
  }

  /** The list's file with every path added so far (made, empty, if none was). */
  file(): string {
    this.flush();
    return join(this.directory(), 'deletions.txt');
  }

  /** Removes the file and its directory, if they were made. */
  async remove(): Promise<void> {
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
  }

  private directory(): string {
    this.dir ??= mkdtempSync(join(this.parent, 'rclone-backup-plan-'));
    return this.dir;
  }

  private flush(): void {
    appendFileSync(join(this.directory(), 'deletions.txt'), this.chunk);
    this.chunk = '';
  }
}
