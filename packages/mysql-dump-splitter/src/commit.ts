import { closeSync, copyFileSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirSync, writeFileAtomicSync } from './atomic-file.js';
import { keysBetween } from './fractional-key.js';
import type { CollectedPiece, PieceCollector } from './piece-collector.js';
import { MANIFEST_NAME, STATE_NAME, TEMP_PREFIX, parsePieceFileName, pieceFileName } from './piece-name.js';
import { manifestText, type PieceRecord, type SplitState } from './state.js';

// Turns the collected pieces into the new directory state, in an order that is safe to
// interrupt at any point: (1) new pieces get names no existing file has, and are renamed
// into place; (2) the state file is replaced atomically, recording every piece of the old
// MANIFEST and of the new one; (3) MANIFEST is replaced atomically; (4) only then are
// pieces that no longer belong deleted, and (5) the state file loses their records. Until
// (3) the old MANIFEST describes a complete old set; after it, the new one does; and at
// every step each piece MANIFEST lists has its SHA-256 in the state file, so
// `mysql-dump-join --check` never meets an unrecorded piece after a crash or a full disk.

export interface CommitResult {
  pieces: PieceRecord[];
  written: PieceRecord[];
  unchanged: PieceRecord[];
  removed: string[];
}

/**
 * Chooses which unchanged pieces keep their old names: the longest sequence of new pieces
 * whose identical old pieces have increasing keys (a longest increasing subsequence,
 * patience sorting, O(n log n)), so names still sort in dump order. Every other piece gets
 * a new key. With several identical old pieces, candidates are tried from the highest key
 * down so one new piece never uses two of them.
 */
function chooseKept(pieces: readonly CollectedPiece[]): (PieceRecord | undefined)[] {
  interface Node {
    piece: number;
    record: PieceRecord;
    prev: Node | undefined;
  }
  const tails: Node[] = [];
  pieces.forEach((piece, index) => {
    const candidates = piece.matches.filter((r) => !r.key.endsWith('0')).sort((x, y) => (x.key < y.key ? 1 : x.key > y.key ? -1 : 0));
    for (const record of candidates) {
      let lo = 0;
      let hi = tails.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((tails[mid] as Node).record.key < record.key) lo = mid + 1;
        else hi = mid;
      }
      const prev = lo > 0 ? tails[lo - 1] : undefined;
      if (prev && prev.piece === index) continue;
      tails[lo] = { piece: index, record, prev };
    }
  });
  const kept: (PieceRecord | undefined)[] = new Array<PieceRecord | undefined>(pieces.length).fill(undefined);
  for (let node = tails.at(-1); node; node = node.prev) kept[node.piece] = node.record;
  return kept;
}

function firstKeyAbove(sorted: readonly string[], lo: string): string | undefined {
  let left = 0;
  let right = sorted.length;
  while (left < right) {
    const mid = (left + right) >> 1;
    if ((sorted[mid] as string) <= lo) left = mid + 1;
    else right = mid;
  }
  return sorted[left];
}

function assignKeys(kept: readonly (PieceRecord | undefined)[], existingKeys: readonly string[]): string[] {
  const keys: string[] = new Array<string>(kept.length);
  let i = 0;
  let lo = '';
  while (i < kept.length) {
    const record = kept[i];
    if (record) {
      keys[i] = record.key;
      lo = record.key;
      i += 1;
      continue;
    }
    let j = i;
    while (j < kept.length && !kept[j]) j += 1;
    const hi = j < kept.length ? (kept[j] as PieceRecord).key : null;
    const next = firstKeyAbove(existingKeys, lo);
    const bound = next !== undefined && (hi === null || next < hi) ? next : hi;
    keysBetween(lo, bound, j - i).forEach((key, n) => (keys[i + n] = key));
    i = j;
  }
  return keys;
}

export function commit(dir: string, collector: PieceCollector, old: SplitState, dryRun: boolean): CommitResult {
  const pieces = collector.pieces;
  const kept = chooseKept(pieces);
  const listing = safeList(dir);
  const existingKeys = [...new Set([...listing.map((n) => parsePieceFileName(n)?.key), ...old.pieces.map((p) => p.key)])]
    // keys ending in '0' are not ours (ours never do) and would leave no room below them
    .filter((k): k is string => k !== undefined && !k.endsWith('0'))
    .sort();
  const keys = assignKeys(kept, existingKeys);
  const result: CommitResult = { pieces: [], written: [], unchanged: [], removed: [] };
  if (!dryRun) for (const piece of pieces) if (piece.tempPath) fsyncPath(piece.tempPath);
  pieces.forEach((piece, index) => {
    const key = keys[index] as string;
    const keptRecord = kept[index];
    if (keptRecord) {
      result.pieces.push(keptRecord);
      result.unchanged.push(keptRecord);
      return;
    }
    const name = pieceFileName(key, piece.label);
    let record: PieceRecord = { name, key, label: piece.label, sha256: piece.sha256, size: piece.size, mtimeMs: 0 };
    if (!dryRun) {
      const final = join(dir, name);
      if (piece.tempPath) {
        renameSync(piece.tempPath, final);
        collector.handedOver(piece.tempPath);
      } else {
        copyIntoPlace(join(dir, (piece.matches[0] as PieceRecord).name), final, join(dir, `${TEMP_PREFIX}${process.pid}-copy`));
      }
      record = { ...record, mtimeMs: statSync(final).mtimeMs };
    }
    result.pieces.push(record);
    result.written.push(record);
  });
  const wanted = new Set(result.pieces.map((p) => p.name));
  const present = new Set(listing);
  const stale = new Set([...old.pieces.map((p) => p.name), ...listing.filter((n) => parsePieceFileName(n))]);
  result.removed = [...stale].filter((name) => !wanted.has(name) && present.has(name)).sort();
  if (dryRun) return result;
  // An unchanged run writes nothing at all (no file, no temporary file, not even an
  // identical MANIFEST), so the directory's and every file's mtime stay as they were.
  const manifest = Buffer.from(manifestText(result.pieces));
  const state = stateText(result.pieces);
  const manifestChanged = !holds(join(dir, MANIFEST_NAME), manifest);
  const stateChanged = !holds(join(dir, STATE_NAME), state);
  if (result.written.length === 0 && result.removed.length === 0 && !manifestChanged && !stateChanged) return result;
  if (result.written.length > 0) fsyncDirSync(dir);
  const stateTemp = join(dir, `${TEMP_PREFIX}${process.pid}-state`);
  const removedRecords = old.pieces.filter((p) => result.removed.includes(p.name));
  // while the old MANIFEST may still be in place, the state records its pieces too
  if (manifestChanged && removedRecords.length > 0) writeFileAtomicSync(join(dir, STATE_NAME), stateTemp, stateText([...result.pieces, ...removedRecords]));
  else if (stateChanged) writeFileAtomicSync(join(dir, STATE_NAME), stateTemp, state);
  if (manifestChanged) writeFileAtomicSync(join(dir, MANIFEST_NAME), join(dir, `${TEMP_PREFIX}${process.pid}-manifest`), manifest);
  fsyncDirSync(dir);
  if (result.removed.length === 0) return result;
  for (const name of result.removed) unlinkSync(join(dir, name));
  if (!holds(join(dir, STATE_NAME), state)) writeFileAtomicSync(join(dir, STATE_NAME), stateTemp, state);
  fsyncDirSync(dir);
  return result;
}

function stateText(pieces: PieceRecord[]): Buffer {
  return Buffer.from(`${JSON.stringify({ version: 1, pieces } satisfies SplitState, null, 1)}\n`);
}

/** Whether the file at path holds exactly content (a missing file does not). */
function holds(path: string, content: Buffer): boolean {
  try {
    return statSync(path).size === content.length && readFileSync(path).equals(content);
  } catch {
    return false;
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function copyIntoPlace(from: string, to: string, temp: string): void {
  copyFileSync(from, temp);
  fsyncPath(temp);
  renameSync(temp, to);
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

