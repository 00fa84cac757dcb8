// The three filename encodings of rclone crypt (filename_encoding): base32 (base32hex, lower case,
// no padding), base64 (URL alphabet, no padding) and base32768 (Max-Sum/base32768 SafeEncoding).
// Decoders return a string (the reason) instead of throwing, so listings stay fast.

export type FilenameEncoding = 'base32' | 'base64' | 'base32768';

export interface NameEncoding {
  readonly name: FilenameEncoding;
  encode(bytes: Uint8Array): string;
  /** Bytes, or a string saying why `text` is not valid. */
  decode(text: string): Uint8Array | string;
}

const B32 = '0123456789abcdefghijklmnopqrstuv';
const B32_DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 32; i++) {
  B32_DECODE[B32.charCodeAt(i)] = i;
  B32_DECODE[B32.toUpperCase().charCodeAt(i)] = i;
}

const base32: NameEncoding = {
  name: 'base32',
  encode(bytes) {
    let out = '';
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < bytes.length; i++) {
      acc = ((acc << 8) | bytes[i]!) & 0xffff;
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        out += B32[(acc >>> bits) & 31];
      }
    }
    if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
    return out;
  },
  decode(text) {
    // rclone: reject a trailing '=', upper-case, re-pad, decode as base32hex (trailing bits ignored).
    const n = text.length;
    const rem = n % 8;
    if (n === 0) return new Uint8Array(0);
    if (rem === 1 || rem === 3 || rem === 6) return 'not valid base32 (bad length)';
    const out = new Uint8Array(Math.floor((n * 5) / 8));
    let acc = 0;
    let bits = 0;
    let o = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const v = c < 128 ? B32_DECODE[c]! : -1;
      if (v < 0) return `not valid base32 (character ${JSON.stringify(text[i])})`;
      acc = ((acc << 5) | v) & 0xffff;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (acc >>> bits) & 0xff;
      }
    }
    return out;
  },
};

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_DECODE[B64.charCodeAt(i)] = i;

const base64: NameEncoding = {
  name: 'base64',
  encode(bytes) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url');
  },
  decode(text) {
    const n = text.length;
    if (n % 4 === 1) return 'not valid base64 (bad length)';
    const out = new Uint8Array(Math.floor((n * 6) / 8));
    let acc = 0;
    let bits = 0;
    let o = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const v = c < 128 ? B64_DECODE[c]! : -1;
      if (v < 0) return `not valid base64 (character ${JSON.stringify(text[i])})`;
      acc = ((acc << 6) | v) & 0xffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (acc >>> bits) & 0xff;
      }
    }
    return out;
  },
};

// Block-start code points of the base32768 "safe" repertoire as inclusive ranges (step 32),
// ascending. The first 4 blocks encode trailing 7-bit groups, the other 1024 15-bit groups.
const SAFE_RANGES = [
  0x0180, 0x0180, 0x0240, 0x0280, 0x04a0, 0x04a0, 0x0500, 0x0500, 0x0680, 0x06a0, 0x0760, 0x0780,
  0x07c0, 0x07c0, 0x1000, 0x1000, 0x10a0, 0x10a0, 0x1100, 0x1140, 0x1180, 0x1180, 0x11e0, 0x1220,
  0x1260, 0x1260, 0x12e0, 0x12e0, 0x1320, 0x1320, 0x13a0, 0x13c0, 0x1420, 0x1640, 0x16a0, 0x16c0,
  0x1780, 0x1780, 0x1820, 0x1840, 0x18c0, 0x18c0, 0x1980, 0x1980, 0x19e0, 0x19e0, 0x1a20, 0x1a20,
  0x1bc0, 0x1bc0, 0x1c00, 0x1c00, 0x1d00, 0x1d00, 0x21e0, 0x21e0, 0x22c0, 0x22c0, 0x2340, 0x23c0,
  0x2400, 0x2400, 0x2500, 0x2740, 0x2780, 0x27a0, 0x2800, 0x2960, 0x29a0, 0x29a0, 0x2a20, 0x2a40,
  0x2a80, 0x2aa0, 0x2ae0, 0x2b40, 0x2c00, 0x2c00, 0x2c80, 0x2cc0, 0x2d00, 0x2d00, 0x2d40, 0x2d40,
  0x2ea0, 0x2ec0, 0x31c0, 0x31c0, 0x3400, 0x4d80, 0x4dc0, 0x9fa0, 0xa000, 0xa460, 0xa4a0, 0xa4a0,
  0xa500, 0xa5e0, 0xa640, 0xa640, 0xa6a0, 0xa6c0, 0xa700, 0xa740, 0xa780, 0xa780, 0xa840, 0xa840,
];
const BLOCKS: number[] = [];
for (let i = 0; i < SAFE_RANGES.length; i += 2) {
  for (let cp = SAFE_RANGES[i]!; cp <= SAFE_RANGES[i + 1]!; cp += 32) BLOCKS.push(cp);
}
if (BLOCKS.length !== 1028) throw new Error('base32768 repertoire must have 1028 blocks');
const ENCODE_7 = BLOCKS.slice(0, 4);
const ENCODE_15 = BLOCKS.slice(4);
const SPLITTER = ENCODE_15[0]!;
/** Indexed by code unit >> 5: the value of the block start, or -1. */
const B32768_DECODE = new Int32Array(2048).fill(-1);
ENCODE_15.forEach((cp, i) => (B32768_DECODE[cp >> 5] = i << 5));
ENCODE_7.forEach((cp, i) => (B32768_DECODE[cp >> 5] = i << 5));

const base32768: NameEncoding = {
  name: 'base32768',
  encode(bytes) {
    const units: number[] = [];
    let left = 0;
    let leftn = 0;
    let i = 0;
    while (i < bytes.length) {
      let chunk = (left << (15 - leftn)) | (bytes[i]! << (7 - leftn));
      if (leftn < 7 && i + 1 < bytes.length) {
        const next = bytes[i + 1]!;
        chunk |= next >> (1 + leftn);
        left = next & ((1 << (1 + leftn)) - 1);
        leftn++;
        i += 2;
      } else {
        chunk |= (1 << (7 - leftn)) - 1;
        left = 0;
        leftn = 0;
        i += 1;
      }
      chunk &= 0x7fff;
      units.push(ENCODE_15[chunk >> 5]! | (chunk & 31));
    }
    if (leftn > 0) {
      let last = (left << (7 - leftn)) & 0xff;
      last |= (1 << (7 - leftn)) - 1;
      last &= 0x7f;
      units.push(ENCODE_7[last >> 5]! | (last & 31));
    }
    return String.fromCharCode(...units);
  },
  decode(text) {
    const out = new Uint8Array(Math.floor((text.length * 15) / 8) + 1);
    let n = 0;
    let left = 0;
    let leftn = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit === 10 || unit === 13) continue;
      const base = B32768_DECODE[unit >> 5]!;
      if (base < 0) return `not valid base32768 (character ${JSON.stringify(text[i])})`;
      const d = base | (unit & 31);
      if (unit < SPLITTER) {
        if (leftn > 0) out[n++] = ((left << (8 - leftn)) | (d >> (leftn - 1))) & 0xff;
        return out.subarray(0, n);
      }
      if (leftn > 0) {
        out[n++] = ((left << (8 - leftn)) | (d >> (7 + leftn))) & 0xff;
        out[n++] = (d >> (leftn - 1)) & 0xff;
        left = d & 0xff & ((1 << (leftn - 1)) - 1);
        leftn--;
      } else {
        out[n++] = d >> 7;
        left = d & 0x7f;
        leftn = 7;
      }
    }
    return out.subarray(0, n);
  },
};

export const NAME_ENCODINGS: Readonly<Record<FilenameEncoding, NameEncoding>> = { base32, base64, base32768 };

export function nameEncoding(name: string): NameEncoding {
  const found = (NAME_ENCODINGS as Record<string, NameEncoding | undefined>)[name];
  if (!found) throw new RangeError(`unknown filename_encoding "${name}" (base32, base64 or base32768)`);
  return found;
}
