import { PassThrough } from 'node:stream';
import type { ToolIO } from '@rclone-b2/core';

export type MemoryIO = ToolIO & { out: () => string; err: () => string };

export function memoryIO(cwd = '/'): MemoryIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdin: new PassThrough(), stdout, stderr, env: {}, cwd, stderrIsTTY: false, out: () => out, err: () => err };
}
