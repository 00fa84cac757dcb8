import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { ToolIO } from '@rclone-b2/core';
import { joinPieces } from '../../src/join.js';
import { main } from '../../src/main.js';

export interface MemoryIO extends ToolIO {
  out(): string;
  err(): string;
}

export function memoryIO(env: Record<string, string | undefined> = {}, stdin?: Buffer): MemoryIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const input = new PassThrough();
  input.end(stdin ?? Buffer.alloc(0));
  return { stdin: input, stdout, stderr, env, cwd: '/', stderrIsTTY: false, out: () => out, err: () => err };
}

/** Runs the tool in-process. */
export async function runSplitter(args: readonly string[], env: Record<string, string | undefined> = {}, stdin?: Buffer): Promise<{ code: number; err: string }> {
  const io = memoryIO(env, stdin);
  let code: number;
  try {
    code = await main(args, io);
  } catch (error) {
    const { reportError } = await import('@rclone-b2/core');
    code = reportError('mysql-dump-splitter', error, io, false);
  }
  return { code, err: io.err() };
}

export async function joinDir(dir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  await joinPieces({ dir, check: false }, sink);
  return Buffer.concat(parts);
}

/** name → inode:mtime:size of every piece, to count rewrites independently of the tool's report. */
export function snapshot(dir: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.sql')) continue;
    const st = statSync(join(dir, name));
    result.set(name, `${st.ino}:${st.mtimeMs}:${st.size}`);
  }
  return result;
}

export function diffSnapshots(before: Map<string, string>, after: Map<string, string>): { rewritten: string[]; removed: string[] } {
  return {
    rewritten: [...after].filter(([name, sig]) => before.get(name) !== sig).map(([name]) => name),
    removed: [...before.keys()].filter((name) => !after.has(name)),
  };
}

export function dirDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    hash.update(name);
    hash.update(readFileSync(join(dir, name)));
  }
  return hash.digest('hex');
}
