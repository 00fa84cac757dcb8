// One line of a check ledger (verification, restore drills): a file's path, its size then,
// and when it was last found good. A file changed since (size, mtime) counts as never checked.

export interface LedgerEntry {
  size: number;
  /** When it was last verified equal (ms since the epoch). */
  verified: number;
}

/** One ledger line `{"path":…,"size":…,"verified":ms}`; undefined for a damaged line (it only loses that file's history). */
export function parseLedgerLine(line: string): { path: string; entry: LedgerEntry } | undefined {
  try {
    const item = JSON.parse(line) as { path?: unknown; size?: unknown; verified?: unknown };
    if (typeof item.path !== 'string' || typeof item.verified !== 'number' || typeof item.size !== 'number') return undefined;
    return { path: item.path, entry: { size: item.size, verified: item.verified } };
  } catch {
    return undefined;
  }
}

export function ledgerLine(path: string, entry: LedgerEntry): string {
  const { size, verified } = entry;
  // What JSON.stringify of the object gives, without building it (a ledger has a line per file).
  if (!Number.isFinite(size) || !Number.isFinite(verified)) return JSON.stringify({ path, size, verified });
  return `{"path":${JSON.stringify(path)},"size":${size},"verified":${verified}}`;
}

/** When the file was verified, if it has not changed (size, mtime) since; else undefined. */
export function verifiedSince(entry: LedgerEntry | undefined, file: { size: number; mtimeMs: number }): number | undefined {
  return entry && entry.verified >= file.mtimeMs && entry.size === file.size ? entry.verified : undefined;
}
