// One line of a check ledger (verification, restore drills): a file's path, its size then,
// and when it was last found good. A file changed since (size, mtime) counts as never checked.

export interface LedgerEntry {
  size: number;
  /** When it was last verified equal (ms since the epoch). */
  verified: number;
}

/**
 * The line exactly as ledgerLine writes it: read without JSON.parse building an object (a
 * ledger has a line per file). Anything else (other order, spacing, a raw control character,
 * which JSON does not allow in a string) takes the JSON.parse path.
 */
// eslint-disable-next-line no-control-regex
const OWN_LINE = /^\{"path":("(?:[^"\\\u0000-\u001f]|\\.)*"),"size":(0|[1-9]\d{0,14}),"verified":(0|[1-9]\d{0,14})\}$/;

/** One ledger line `{"path":…,"size":…,"verified":ms}`; undefined for a damaged line (it only loses that file's history). */
export function parseLedgerLine(line: string): { path: string; entry: LedgerEntry } | undefined {
  const own = OWN_LINE.exec(line);
  if (own) {
    const literal = own[1] as string;
    try {
      const path = literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
      return { path, entry: { size: Number(own[2]), verified: Number(own[3]) } };
    } catch {
      return undefined;
    }
  }
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
