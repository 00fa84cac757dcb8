// rclone crypt's `filename_encryption = obfuscate`: a keyed rotation of characters (weak by design).

const QUOTE = 0x21; // '!'

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;

export function keySum(nameKey: Uint8Array): number {
  let sum = 0;
  for (const b of nameKey) sum += b;
  return sum;
}

export function obfuscateSegment(plain: string, nameKeySum: number): string {
  if (plain === '') return '';
  if (!isWellFormed(plain)) return '!.' + plain;
  let dir = 0;
  for (const ch of plain) dir += ch.codePointAt(0)!;
  dir %= 256;
  let out = `${dir}.`;
  dir += nameKeySum;
  for (const ch of plain) {
    const r = ch.codePointAt(0)!;
    if (r === QUOTE) {
      out += '!!';
    } else if (r >= 0x30 && r <= 0x39) {
      out += String.fromCharCode(0x30 + ((r - 0x30 + ((dir % 9) + 1)) % 10));
    } else if ((r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a)) {
      let pos = r - 0x41;
      if (pos >= 26) pos -= 6;
      pos = (pos + ((dir % 25) + 1)) % 52;
      if (pos >= 26) pos += 6;
      out += String.fromCharCode(0x41 + pos);
    } else if (r >= 0xa0 && r <= 0xff) {
      out += String.fromCharCode(0xa0 + ((r - 0xa0 + ((dir % 95) + 1)) % 96));
    } else if (r >= 0x100) {
      const base = r - (r % 256);
      const nr = base + ((r - base + ((dir % 127) + 1)) % 256);
      out += isSurrogate(nr) ? '!' + ch : String.fromCodePoint(nr);
    } else {
      out += ch;
    }
  }
  return out;
}

/** Reverses obfuscateSegment; returns undefined when `cipher` is not an obfuscated name. */
export function deobfuscateSegment(cipher: string, nameKeySum: number): string | undefined {
  if (cipher === '') return '';
  const dot = cipher.indexOf('.');
  if (dot === -1) return undefined;
  const num = cipher.slice(0, dot);
  if (num === '!') return cipher.slice(dot + 1);
  if (!/^[+-]?\d{1,18}$/.test(num)) return undefined;
  const dir = Number(num) + nameKeySum;
  let out = '';
  let inQuote = false;
  for (const ch of cipher.slice(dot + 1)) {
    const r = ch.codePointAt(0)!;
    if (inQuote) {
      out += ch;
      inQuote = false;
    } else if (r === QUOTE) {
      inQuote = true;
    } else if (r >= 0x30 && r <= 0x39) {
      let nr = r - ((dir % 9) + 1);
      if (nr < 0x30) nr += 10;
      out += String.fromCharCode(nr);
    } else if ((r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a)) {
      let pos = r - 0x41;
      if (pos >= 26) pos -= 6;
      pos -= (dir % 25) + 1;
      if (pos < 0) pos += 52;
      if (pos >= 26) pos += 6;
      out += String.fromCharCode(0x41 + pos);
    } else if (r >= 0xa0 && r <= 0xff) {
      let nr = r - ((dir % 95) + 1);
      if (nr < 0xa0) nr += 96;
      out += String.fromCharCode(nr);
    } else if (r >= 0x100) {
      const base = r - (r % 256);
      let nr = r - ((dir % 127) + 1);
      if (nr < base) nr += 256;
      out += isSurrogate(nr) || nr > 0x10ffff ? '\ufffd' : String.fromCodePoint(nr);
    } else {
      out += ch;
    }
  }
  return out;
}
