import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { resolve } from 'node:path';
import { ConfigError } from '@rclone-b2/core';

export interface OpenedOutput {
  stream: Writable;
  /** Ends a file (waits until it is written); leaves stdout open. */
  close(): Promise<void>;
}

/** `-` is stdout; anything else is a file created (truncated) relative to cwd. */
export async function openOutput(target: string, stdout: Writable, cwd: string): Promise<OpenedOutput> {
  if (target === '-') return { stream: stdout, close: async () => {} };
  const path = resolve(cwd, target);
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new ConfigError(`cannot write ${target}: ${(error as Error).message}`, undefined, { cause: error });
  }
  return {
    stream,
    close: async () => {
      stream.end();
      await once(stream, 'finish');
    },
  };
}
