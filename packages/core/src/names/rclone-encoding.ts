// rclone's lib/encoder for the character classes the tools meet: how a backend's names map
// to rclone's "standard" names and back. A crypt remote stores standard names as its
// plaintext; the local backend on Linux (`Slash,Dot`) and B2 (`Slash,BackSlash,Del,Ctl,
// InvalidUtf8,Dot`) each have their own encoding. A local file `a<LF>b` is the standard
// name `a␊b`, and a literal `a␊b` on disk is `a‛␊b` (U+201B quotes the lookalike).
// Names are strings as name-bytes.ts makes them (invalid UTF-8 bytes as U+DC80..U+DCFF).
import { nameFromBytes, nameToBytes } from './name-bytes.js';

export const Encode = {
  Slash: 1 << 0,
  BackSlash: 1 << 1,
  Del: 1 << 2,
  Ctl: 1 << 3,
  InvalidUtf8: 1 << 4,
  Dot: 1 << 5,
} as const;

/** rclone's Standard encoding (names inside rclone, and a crypt remote's plaintext). */
export const STANDARD_ENCODING = Encode.Slash | Encode.Ctl | Encode.Del | Encode.Dot;
/** `--local-encoding` default on Linux (rclone 1.60.1: `Slash,Dot`). */
export const LOCAL_ENCODING = Encode.Slash | Encode.Dot;
/** `--b2-encoding` default. */
export const B2_ENCODING = Encode.Slash | Encode.BackSlash | Encode.Del | Encode.Ctl | Encode.InvalidUtf8 | Encode.Dot;

const QUOTE = '\u201b'; // ‛ SINGLE HIGH-REVERSED-9 QUOTATION MARK
const SYMBOL = 0x2400; // ␀ SYMBOL FOR NULL; U+2401..U+241F picture the control characters
const FULL_DOT = '\uff0e'; // ．
const FULL_SLASH = '\uff0f'; // ／
const FULL_BACKSLASH = '\uff3c'; // ＼
const SYMBOL_DEL = '\u2421'; // ␡

const isEscapedByte = (c: number): boolean => c >= 0xdc80 && c <= 0xdcff;
const hex2 = /^[0-9a-fA-F]{2}/;

/** What `mask` substitutes for code point `c` (a raw character), or undefined. */
function substitute(mask: number, c: number): string | undefined {
  if (c === 0) return String.fromCharCode(SYMBOL);
  if (c === SYMBOL || c === 0x201b) return QUOTE + String.fromCharCode(c);
  if (mask & Encode.InvalidUtf8 && isEscapedByte(c)) return QUOTE + (c - 0xdc00).toString(16).toUpperCase().padStart(2, '0');
  if (mask & Encode.Slash) {
    if (c === 0x2f) return FULL_SLASH;
    if (c === 0xff0f) return QUOTE + FULL_SLASH;
  }
  if (mask & Encode.BackSlash) {
    if (c === 0x5c) return FULL_BACKSLASH;
    if (c === 0xff3c) return QUOTE + FULL_BACKSLASH;
  }
  if (mask & Encode.Del) {
    if (c === 0x7f) return SYMBOL_DEL;
    if (c === 0x2421) return QUOTE + SYMBOL_DEL;
  }
  if (mask & Encode.Ctl) {
    if (c >= 1 && c <= 0x1f) return String.fromCharCode(SYMBOL + c);
    if (c > SYMBOL && c <= SYMBOL + 0x1f) return QUOTE + String.fromCharCode(c);
  }
  return undefined;
}

/** The raw character an encoded code point `c` stands for under `mask`, or undefined. */
function original(mask: number, c: number): string | undefined {
  if (c === SYMBOL) return '\0';
  if (mask & Encode.Slash && c === 0xff0f) return '/';
  if (mask & Encode.BackSlash && c === 0xff3c) return '\\';
  if (mask & Encode.Del && c === 0x2421) return '\x7f';
  if (mask & Encode.Ctl && c > SYMBOL && c <= SYMBOL + 0x1f) return String.fromCharCode(c - SYMBOL);
  return undefined;
}

/** rclone's MultiEncoder.Encode: a raw name → the name under `mask`. */
export function encodeName(mask: number, name: string): string {
  if (name === '') return '';
  if (mask & Encode.Dot) {
    if (name === '.') return FULL_DOT;
    if (name === '..') return FULL_DOT + FULL_DOT;
    if (name === FULL_DOT) return QUOTE + FULL_DOT;
    if (name === FULL_DOT + FULL_DOT) return QUOTE + FULL_DOT + QUOTE + FULL_DOT;
  }
  let out = '';
  let start = 0;
  for (let i = 0; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = name.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1; // a character beyond U+FFFF, never substituted
      continue;
    }
    const sub = substitute(mask, c);
    if (sub === undefined) continue;
    out += name.slice(start, i) + sub;
    start = i + 1;
  }
  return start === 0 ? name : out + name.slice(start);
}

/** rclone's MultiEncoder.Decode: a name under `mask` → the raw name. */
export function decodeName(mask: number, name: string): string {
  if (mask & Encode.Dot) {
    if (name === FULL_DOT) return '.';
    if (name === FULL_DOT + FULL_DOT) return '..';
    if (name === QUOTE + FULL_DOT) return FULL_DOT;
    if (name === QUOTE + FULL_DOT + QUOTE + FULL_DOT) return FULL_DOT + FULL_DOT;
  }
  let out = '';
  let unquoteNext = false;
  let bytes = false; // ‛XX produced a byte ≥ 0x80: re-join the bytes at the end
  for (let i = 0; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    const unquote = unquoteNext;
    unquoteNext = false;
    if (c === 0x201b) {
      if (unquote) out += QUOTE;
      else unquoteNext = true;
      continue;
    }
    const raw = original(mask, c);
    if (raw !== undefined) {
      out += unquote ? name[i] : raw;
      continue;
    }
    if (unquote) {
      const pair = mask & Encode.InvalidUtf8 ? hex2.exec(name.slice(i, i + 2)) : null;
      if (pair) {
        // Any byte: `‛41` is `A` and `‛00` NUL to rclone (only bytes ≥ 0x80 are escapes here).
        const byte = parseInt(pair[0], 16);
        out += String.fromCharCode(byte < 0x80 ? byte : 0xdc00 + byte);
        bytes ||= byte >= 0x80;
        i += 1;
        continue;
      }
      out += QUOTE;
    }
    out += name[i];
  }
  if (unquoteNext) out += QUOTE;
  // ‛XX bytes may be the pieces of a valid multi-byte character.
  return bytes ? nameFromBytes(nameToBytes(out)) : out;
}

/** A name under `mask` → rclone's standard name (what a crypt remote stores as plaintext). */
export function toStandardName(mask: number, name: string): string {
  return mask === STANDARD_ENCODING ? name : encodeName(STANDARD_ENCODING, decodeName(mask, name));
}

/** A standard name → the name under `mask` (e.g. the local file name `rclone copy` writes). */
export function fromStandardName(mask: number, name: string): string {
  return mask === STANDARD_ENCODING ? name : encodeName(mask, decodeName(STANDARD_ENCODING, name));
}

/** toStandardName for each segment of a `/`-separated path. */
export function toStandardPath(mask: number, path: string): string {
  return path.split('/').map((segment) => toStandardName(mask, segment)).join('/');
}

/** fromStandardName for each segment of a `/`-separated path. */
export function fromStandardPath(mask: number, path: string): string {
  return path.split('/').map((segment) => fromStandardName(mask, segment)).join('/');
}

/** Characters that the standard decoding or the local encoding may change (besides `.`/`..` names). */
// eslint-disable-next-line no-control-regex
const LOCAL_SPECIAL = /[\u0000\u201b\u2400-\u241f\u2421\uff0e\uff0f]|(?:^|\/)\.\.?(?:\/|$)/;

/** The local (Linux) path `rclone copy` writes for a crypt remote's plaintext path. */
export function localPathOf(standardPath: string): string {
  return LOCAL_SPECIAL.test(standardPath) ? fromStandardPath(LOCAL_ENCODING, standardPath) : standardPath;
}

/** Characters that the local decoding or the standard encoding may change (besides `.`/`..` names): most paths have none. */
// eslint-disable-next-line no-control-regex
const STANDARD_SPECIAL = /[\u0000-\u001f\u007f\u201b\u2400-\u2421\uff0e\uff0f]|(?:^|\/)\.\.?(?:\/|$)/;

/** The crypt plaintext (standard) path rclone stores for a local (Linux) relative path. */
export function standardPathOfLocal(localPath: string): string {
  return STANDARD_SPECIAL.test(localPath) ? toStandardPath(LOCAL_ENCODING, localPath) : localPath;
}
