import type { Writable } from 'node:stream';
import { BufferedWriter } from '@rclone-b2/core';

/** Where an inventory's entries go: a raw listing, a du summary, an ncdu export... */
export interface InventorySink {
  add(path: string, size: number): void | Promise<void>;
  /** Writes whatever was held back and flushes; does not end the stream. */
  finish(): Promise<void>;
}

/** `rclone ls` lines (`%9d %s`), so `encrypted-du --ls | tar-ls-du --rclone` works. */
export function lsSink(output: Writable): InventorySink {
  const writer = new BufferedWriter(output);
  return {
    add: (path, size) => writer.write(`${String(size).padStart(9)} ${path}\n`),
    finish: () => writer.flush(),
  };
}
