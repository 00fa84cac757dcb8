import { mkdirSync, readdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode, ToolError } from '@rclone-b2/core';
import { TEMP_PREFIX } from './piece-name.js';

// The output directory is made only when the first file is about to be written, and a run
// that fails removes the directories it made if they are still empty: refused or broken
// input leaves no empty directory behind.

function cannotUse(path: string, reason: string, cause?: unknown): ToolError {
  return new ToolError(`cannot use output directory ${path}: ${reason}`, ExitCode.Usage, { cause });
}

export class OutputDir {
  /** The topmost directory this run created (mkdir -p), if any. */
  private created: string | undefined;
  private ready = false;

  constructor(readonly path: string) {
    try {
      if (!statSync(path).isDirectory()) throw cannotUse(path, 'not a directory');
      this.ready = true;
    } catch (error) {
      if (error instanceof ToolError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotUse(path, (error as Error).message, error);
    }
  }

  /** Makes the directory (and missing parents) if it does not exist yet. */
  prepare(): void {
    if (this.ready) return;
    try {
      this.created = mkdirSync(this.path, { recursive: true });
    } catch (error) {
      throw cannotUse(this.path, (error as Error).message, error);
    }
    this.ready = true;
  }

  /** Temporary files a killed run left behind (ours are made only under the lock, so none is live). */
  removeStaleTemps(): void {
    if (!this.ready) return;
    for (const name of readdirSync(this.path)) {
      if (name.startsWith(TEMP_PREFIX)) unlinkSync(join(this.path, name));
    }
  }

  /** After a failed run: removes the directories prepare() made, as far as they are empty. */
  removeIfCreated(): void {
    const top = this.created;
    if (top === undefined) return;
    for (let dir = this.path; ; dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        return; // not empty: something was written after all
      }
      if (dir === top || dirname(dir) === dir) return;
    }
  }
}
