import { createHash } from 'node:crypto';
import { execa } from 'execa';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { walkFiles } from '../../src/tree.js';

export interface FileState { sha256: string; mtimeNs: bigint; ino: bigint }

/** Every file below root: content digest, mtime and inode (to prove files were not rewritten). */
export async function snapshot(root: string): Promise<Map<string, FileState>> {
  const map = new Map<string, FileState>();
  for await (const rel of walkFiles(root)) {
    const path = join(root, rel);
    const info = await stat(path, { bigint: true });
    map.set(rel, { sha256: createHash('sha256').update(await readFile(path)).digest('hex'), mtimeNs: info.mtimeNs, ino: info.ino });
  }
  return map;
}

/** Only the document files (no checksums). */
export function documentFiles(snap: Map<string, FileState>): string[] {
  return [...snap.keys()].filter((rel) => rel.endsWith('.bson')).sort();
}

/** `find ROOT -printf '%i %T@ %s %p\n'`: inode, mtime, size and path of every file and directory, root included. */
export async function findSnapshot(root: string): Promise<string[]> {
  const { stdout } = await execa('find', [root, '-printf', '%i %T@ %s %p\\n']);
  return stdout.split('\n').sort();
}
