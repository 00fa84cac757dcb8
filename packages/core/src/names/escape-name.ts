// Line-oriented outputs (`SIZE PATH` listings, dry-run plans, -v reports) print names the
// way GNU `ls -b` does, so a name can never break a line apart or smuggle a control
// sequence into a terminal: `\n` `\t` `\r` `\a` `\b` `\f` `\v`, `\\` for a backslash, and
// `\ooo` (octal) for every other control byte (C0, DEL, C1) and for each byte of invalid
// UTF-8. Unlike `ls -b`, spaces stay as they are (rclone's `SIZE PATH` lines keep them).
// unescapeName undoes this (and ls -b's `\ `); `--json` outputs keep exact names instead.
import { hasNameEscapes, nameFromBytes, nameToBytes } from './name-bytes.js';

const LETTERS: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 92: '\\' };
const UNLETTERS: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '\\': 92, ' ': 32, '?': 63, "'": 39, '"': 34 };

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f\\]/; // lone surrogates: isWellFormed (a surrogate range makes this 10× slower)

const octal = (byte: number): string => `\\${byte.toString(8).padStart(3, '0')}`;

/** A name as `ls -b` prints it (one line, no control characters). */
export function escapeName(name: string): string {
  if (!NEEDS_ESCAPE.test(name) && !hasNameEscapes(name)) return name;
  let out = '';
  for (let i = 0; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    const letter = LETTERS[c];
    if (letter !== undefined) out += `\\${letter}`;
    else if (c < 0x20 || c === 0x7f) out += octal(c);
    else if (c >= 0x80 && c <= 0x9f) out += octal(0xc2) + octal(c); // C1 controls, as UTF-8 bytes
    else if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && isHigh(name.charCodeAt(i - 1)))) {
      out += octal(c - 0xdc00); // a byte of invalid UTF-8
    } else out += name[i];
  }
  return out;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/**
 * Undoes escapeName and `ls -b`. A backslash not followed by a known escape stays literal,
 * so names printed unescaped (real `rclone ls`) read back unchanged unless they contain a
 * backslash followed by one of `ntrabfv\ ?'"` or three octal digits.
 */
export function unescapeName(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  let bytes = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch !== '\\' || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const digits = /^[0-7]{3}/.exec(text.slice(i + 1, i + 4));
    if (digits) {
      const byte = parseInt(digits[0], 8) & 0xff;
      out += byte < 0x80 ? String.fromCharCode(byte) : String.fromCharCode(0xdc00 + byte);
      bytes ||= byte >= 0x80;
      i += 3;
      continue;
    }
    const code = UNLETTERS[text[i + 1]!];
    if (code === undefined) {
      out += ch;
      continue;
    }
    out += String.fromCharCode(code);
    i += 1;
  }
  // Octal bytes may spell a multi-byte character (`\303\251` = é).
  return bytes ? nameFromBytes(nameToBytes(out)) : out;
}
