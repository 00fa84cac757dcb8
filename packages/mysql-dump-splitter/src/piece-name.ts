// Piece file names: `KEY-LABEL.sql`. KEY orders the pieces (see fractional-key.ts); '-'
// sorts below every key digit, so a key that is a prefix of another still sorts first.
// LABEL says what is inside (`t.shop.customers` = structure, `d.shop.customers` = data)
// with everything outside [A-Za-z0-9_] percent-encoded, so any table name is a safe name.

export const MANIFEST_NAME = 'MANIFEST';
export const STATE_NAME = '.mysql-dump-splitter.json';
export const TEMP_PREFIX = '.mds-tmp-';
const PIECE_RE = /^([0-9a-z]+)-([A-Za-z0-9_.%]+)\.sql$/;
const MAX_LABEL = 120;

export function encodeNamePart(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f;
    out += safe ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function makeLabel(kind: string, db: string, name: string): string {
  const parts = [kind, db ? encodeNamePart(db) : '', name ? encodeNamePart(name) : ''].filter(Boolean);
  const label = parts.join('.');
  return label.length > MAX_LABEL ? label.slice(0, MAX_LABEL).replace(/%[0-9A-F]?$/, '') : label;
}

export function pieceFileName(key: string, label: string): string {
  return `${key}-${label}.sql`;
}

export function parsePieceFileName(name: string): { key: string; label: string } | undefined {
  const match = PIECE_RE.exec(name);
  return match ? { key: match[1] as string, label: match[2] as string } : undefined;
}
