import { PassThrough } from 'node:stream';
import type { ToolIO } from '@rclone-b2/core';
import { reportError } from '@rclone-b2/core';
import { main, type MainDependencies } from '../../src/main.js';

export function memoryIO(env: Record<string, string | undefined> = {}): ToolIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdin: new PassThrough(), stdout, stderr, env, cwd: '/', stderrIsTTY: false, out: () => out, err: () => err };
}

/** Runs b2-prune in-process like runTool does: errors become `b2-prune: message` and an exit code. */
export async function run(argv: string[], deps: MainDependencies = {}, env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIO(env);
  let code: number;
  try {
    code = await main(argv, io, deps);
  } catch (error) {
    code = reportError('b2-prune', error, io, false);
  }
  await new Promise((resolve) => setImmediate(resolve));
  return { code, out: io.out(), err: io.err() };
}
