import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainExport } from '../../src/main-export.js';
import { memoryIO } from './io.js';
import { snapshot } from './tree-snapshot.js';

export interface RunResult { code: number; writes: string[]; err: string }

/** Runs the exporter in-process, recording every document file it writes. */
export async function runExport(args: string[], options: { failAfter?: number } = {}): Promise<RunResult> {
  const writes: string[] = [];
  const io = memoryIO('/');
  const hook = async (path: string, data: Uint8Array): Promise<void> => {
    if (options.failAfter !== undefined && writes.length >= options.failAfter) {
      // Leave a torn file behind, as a crash in the middle of a write would.
      await writeFile(path, data.subarray(0, Math.floor(data.length / 2)));
      throw new Error('injected crash');
    }
    writes.push(path);
    await writeFile(path, data);
  };
  let code: number;
  try {
    code = await mainExport(args, io, { writeFile: hook });
  } catch (error) {
    return { code: -1, writes, err: `${io.err()}${(error as Error).message}` };
  }
  return { code, writes, err: io.err() };
}

/** Content digests of every file of a fresh export of `url` (what an exact tree looks like). */
export async function freshExport(url: string): Promise<Map<string, string>> {
  const out = await mkdtemp(join(tmpdir(), 'mie-fresh-'));
  const result = await runExport(['--out', out, url]);
  if (result.code !== 0) throw new Error(result.err);
  return contents(out);
}

export async function contents(root: string): Promise<Map<string, string>> {
  return new Map([...(await snapshot(root))].map(([rel, state]) => [rel, state.sha256]));
}

/** Directories below root that are empty. */
export async function emptyDirectories(root: string): Promise<string[]> {
  const empty: string[] = [];
  const visit = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    if (entries.length === 0 && rel !== '') empty.push(rel);
    for (const entry of entries) if (entry.isDirectory()) await visit(join(dir, entry.name), join(rel, entry.name));
  };
  await visit(root, '');
  return empty;
}
