import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_NAME, STATE_NAME } from './piece-name.js';

// What the previous run left: for each piece its name, label, SHA-256 and the size and
// mtime it had when written. A piece counts as present only if its file still has that
// size and mtime (the rsync "quick check"), so a damaged or replaced file is rewritten.

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
  const path = join(dir, STATE_NAME);
  if (!existsSync(path)) return { version: 1, pieces: [] };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as SplitState;
    if (parsed.version !== 1 || !Array.isArray(parsed.pieces)) return { version: 1, pieces: [] };
    return parsed;
  } catch {
    return { version: 1, pieces: [] };
  }
}

export function isIntact(dir: string, record: PieceRecord): boolean {
  try {
    const st = statSync(join(dir, record.name));
    return st.isFile() && st.size === record.size && st.mtimeMs === record.mtimeMs;
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
