import type { Writable } from 'node:stream';
import { BufferedWriter, escapeName } from '@rclone-b2/core';
import type { EntryPick, FileEntries } from './inventory.js';

/** Where an inventory's entries go: a raw listing, a du summary, an ncdu export... */
export interface InventorySink {
  add(path: string, size: number): void | Promise<void>;
  /** The entries of one file that `pick` selects (one call per file: no call per version). */
  addFile(entries: FileEntries, pick: EntryPick): void | Promise<void>;
  /** Writes whatever was held back and flushes; does not end the stream. */
  finish(): Promise<void>;
}

/**
 * `rclone ls` lines (`%9d %s`), so `encrypted-du --ls | tar-ls-du --rclone` works. Names are
 * the remote's names as rclone lists them, `ls -b` escaped where they hold control
 * characters, backslashes or invalid UTF-8, so every entry is exactly one line. A file's
 * lines are written together.
 */
export function lsSink(output: Writable): InventorySink {
  const writer = new BufferedWriter(output);
  const line = (path: string, size: number): string => `${String(size).padStart(9)} ${escapeName(path)}\n`;
  return {
    add: (path, size) => writer.write(line(path, size)),
    addFile: (entries, pick) => {
      let text = '';
      for (let k = 0; k < entries.count; k += 1) if (entries.picked(k, pick)) text += line(entries.name(k), entries.size[k] as number);
      return text === '' ? undefined : writer.write(text);
    },
    finish: () => writer.flush(),
  };
}
