import type { Writable } from 'node:stream';
import { BufferedWriter, escapeName } from '@rclone-b2/core';

/** Where an inventory's entries go: a raw listing, a du summary, an ncdu export... */
export interface InventorySink {
  add(path: string, size: number): void | Promise<void>;
  /** Writes whatever was held back and flushes; does not end the stream. */
  finish(): Promise<void>;
}

/**
 * `rclone ls` lines (`%9d %s`), so `encrypted-du --ls | tar-ls-du --rclone` works. Names are
 * the remote's names as rclone lists them, `ls -b` escaped where they hold control
 * characters, backslashes or invalid UTF-8, so every entry is exactly one line.
 */
export function lsSink(output: Writable): InventorySink {
  const writer = new BufferedWriter(output);
  return {
    add: (path, size) => writer.write(`${String(size).padStart(9)} ${escapeName(path)}\n`),
    finish: () => writer.flush(),
  };
}
