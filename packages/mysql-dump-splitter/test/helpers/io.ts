import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { memoryIO as coreMemoryIO, runInMemory, type MemoryIO } from '@rclone-b2/core/testing';
import { joinPieces } from '../../src/join.js';
import { main } from '../../src/main.js';

export type { MemoryIO };

export function memoryIO(env: Record<string, string | undefined> = {}, stdin?: Buffer): MemoryIO {
  return coreMemoryIO({ env, ...(stdin ? { stdin } : {}) });
}

/** Runs the tool in-process. */
export async function runSplitter(args: readonly string[], env: Record<string, string | undefined> = {}, stdin?: Buffer): Promise<{ code: number; err: string; out: string }> {
  const { code, err, out } = await runInMemory('mysql-dump-splitter', main, args, memoryIO(env, stdin));
  return { code, err, out };
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

/** `find DIR -printf '%i %T@ %s %p\n'`: inode, mtime, size and path of the directory and everything in it. */
export async function findSnapshot(dir: string): Promise<string[]> {
  const { stdout } = await execa('find', [dir, '-printf', '%i %T@ %s %p\\n']);
  return stdout.split('\n').sort();
}

/** The piece files in dir (`KEY-LABEL.sql`) and the names MANIFEST lists, both sorted. */
export function piecesAndManifest(dir: string): { files: string[]; manifest: string[] } {
  const files = readdirSync(dir).filter((n) => n.endsWith('.sql')).sort();
  const manifest = readFileSync(join(dir, 'MANIFEST'), 'utf8').split('\n').filter(Boolean).sort();
  return { files, manifest };
}
