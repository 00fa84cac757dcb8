/**
 * Database and collection names become directory names. MongoDB allows almost anything
 * in a collection name (`a.b`, `weird/name`, unicode), so keep the common characters and
 * %XX-escape the rest (and a leading dot, so no name is hidden, `.` or `..`).
 */
export function escapeName(name: string): string {
  let out = '';
  const bytes = Buffer.from(name, 'utf8');
  bytes.forEach((byte, index) => {
    const safe =
      (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39) ||
      byte === 0x5f || byte === 0x2d || (byte === 0x2e && index > 0);
    out += safe ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  });
  return out;
}

export function unescapeName(escaped: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i += 1) {
    if (escaped[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(escaped.slice(i + 1, i + 3))) {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(escaped[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
