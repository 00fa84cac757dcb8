import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_NAME, STATE_NAME } from './piece-name.js';

// What the previous run left: for each piece its name, label, SHA-256 and the size and
// mtime it had when written. A piece counts as present only if its file still has that
// content (see isIntact), so a damaged or replaced file is rewritten.

export interface PieceRecord {
  name: string;
  key: string;
  label: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

export interface SplitState {
  version: 1;
  pieces: PieceRecord[];
}

export function readState(dir: string): SplitState {
  return readStateFile(dir).state;
}

/** The state file, and why it gives no records when it does not (missing, unreadable, not ours). */
export function readStateFile(dir: string): { state: SplitState; problem?: string } {
  const path = join(dir, STATE_NAME);
  const none: SplitState = { version: 1, pieces: [] };
  if (!existsSync(path)) return { state: none, problem: `no state file ${STATE_NAME}` };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as SplitState;
    if (parsed.version !== 1 || !Array.isArray(parsed.pieces)) return { state: none, problem: `state file ${STATE_NAME} is not one mysql-dump-splitter wrote` };
    return { state: parsed };
  } catch (error) {
    return { state: none, problem: `state file ${STATE_NAME} unreadable: ${(error as Error).message}` };
  }
}

/**
 * Whether the piece file still holds what the state says. Same size and mtime: yes (quick
 * check). Same size, other mtime (copied back from a backup, touched): its content is
 * hashed, and if it matches, the record takes the new mtime.
 */
export function isIntact(dir: string, record: PieceRecord): boolean {
  try {
    const path = join(dir, record.name);
    const st = statSync(path);
    if (!st.isFile() || st.size !== record.size) return false;
    if (st.mtimeMs === record.mtimeMs) return true;
    if (hashFileSync(path) !== record.sha256) return false;
    record.mtimeMs = st.mtimeMs;
    return true;
  } catch {
    return false;
  }
}

export function manifestText(pieces: readonly PieceRecord[]): string {
  return pieces.map((p) => `${p.name}\n`).join('');
}

export function readManifest(dir: string): string[] {
  const text = readFileSync(join(dir, MANIFEST_NAME), 'utf8');
  return text.split('\n').filter((line) => line.length > 0);
}

function hashFileSync(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
