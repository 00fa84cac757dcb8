// File-name ordering and B2's percent-encoding rules.

/** Maps a UTF-16 code unit so that comparing mapped units orders strings by code point (= UTF-8 byte order). */
function fix(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}

/** Orders names by UTF-8 bytes, as B2 does. */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? fix(x) - fix(y) : x - y;
  }
  return a.length - b.length;
}

/** Percent-decodes a header or URL component; B2 also accepts `+` for space in headers. */
export function decodeName(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

const SAFE = /[A-Za-z0-9._\-/~!$'()*;=:@]/;

/** Percent-encodes like B2 (and rclone): keeps `A-Za-z0-9` and `._-/~!$'()*;=:@`. */
export function encodeName(value: string): string {
  let out = '';
  for (const ch of value) {
    if (SAFE.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Smallest string greater than every string starting with `prefix` (for skipping a folder). */
export function afterPrefix(prefix: string): string {
  return `${prefix}\u{10ffff}`;
}

/** B2's file-name rules (D16): UTF-8, ≤ 1024 bytes, no control characters or DEL. */
export function checkFileName(name: string): string | undefined {
  if (name.length === 0) return 'File names must not be empty';
  if (Buffer.byteLength(name, 'utf8') > 1024) return 'File names must be at most 1024 bytes';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'File names must not contain control characters';
  return undefined;
}
