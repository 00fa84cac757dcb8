// EME (ECB-Mix-ECB) wide-block mode over AES-256, as in rfjakob/eme v1.1.2 used by rclone.
// The AES key schedule is set up once: long-lived ECB cipher objects (no padding) are fed
// all blocks of a step in one call.
import { createCipheriv, createDecipheriv, type Cipher, type Decipher } from 'node:crypto';

const MAX_BLOCKS = 128;

function multByTwo(out: Uint8Array, outOff: number, x: Uint8Array, xOff: number): void {
  const carry = x[xOff + 15]! >> 7;
  for (let j = 15; j > 0; j--) out[outOff + j] = ((x[xOff + j]! << 1) | (x[xOff + j - 1]! >> 7)) & 0xff;
  out[outOff] = ((x[xOff]! << 1) & 0xff) ^ (carry ? 0x87 : 0);
}

export class Eme {
  private readonly enc: Cipher;
  private readonly dec: Decipher;
  private readonly tweak: Uint8Array;
  /** L_0..L_127, 16 bytes each. */
  private readonly lTable: Uint8Array;
  /** Reused inputs of the AES calls (update() copies its input), one per block count. */
  private readonly scratch: (Buffer | undefined)[] = [];
  private readonly mpScratch = Buffer.alloc(16);
  private readonly mScratch = new Uint8Array(16);

  constructor(key: Uint8Array, tweak: Uint8Array) {
    if (key.length !== 32) throw new RangeError('EME key must be 32 bytes');
    if (tweak.length !== 16) throw new RangeError('EME tweak must be 16 bytes');
    this.enc = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    this.dec = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    this.tweak = Uint8Array.from(tweak);
    this.lTable = new Uint8Array(16 * MAX_BLOCKS);
    const l0 = this.enc.update(new Uint8Array(16));
    multByTwo(this.lTable, 0, l0, 0);
    for (let j = 1; j < MAX_BLOCKS; j++) multByTwo(this.lTable, 16 * j, this.lTable, 16 * (j - 1));
  }

  encrypt(data: Uint8Array): Buffer {
    return this.transform(data, this.enc);
  }

  decrypt(data: Uint8Array): Buffer {
    return this.transform(data, this.dec);
  }

  /** Encrypts many inputs with three AES calls in all (one per EME step), for speed. */
  encryptMany(inputs: readonly Uint8Array[]): Buffer[] {
    return this.transformMany(inputs, this.enc);
  }

  /** Decrypts many inputs with three AES calls in all (one per EME step), for speed. */
  decryptMany(inputs: readonly Uint8Array[]): Buffer[] {
    return this.transformMany(inputs, this.dec);
  }

  private transformMany(inputs: readonly Uint8Array[], aes: Cipher | Decipher): Buffer[] {
    const n = inputs.length;
    if (n === 0) return [];
    const offsets = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) {
      const len = inputs[k]!.length;
      if (len === 0 || len % 16 !== 0 || len > 16 * MAX_BLOCKS) {
        throw new RangeError(`EME input must be 1..${MAX_BLOCKS} blocks of 16 bytes, got ${len} bytes`);
      }
      offsets[k + 1] = offsets[k]! + len;
    }
    const L = this.lTable;
    const T = this.tweak;
    const all = Buffer.allocUnsafe(offsets[n]!);
    for (let k = 0; k < n; k++) {
      const p = inputs[k]!;
      const o = offsets[k]!;
      for (let i = 0; i < p.length; i++) all[o + i] = p[i]! ^ L[i]!;
    }
    const c = aes.update(all); // PPP for every input
    const mps = Buffer.allocUnsafe(16 * n);
    for (let k = 0; k < n; k++) {
      const o = offsets[k]!;
      const m = (offsets[k + 1]! - o) >> 4;
      for (let i = 0; i < 16; i++) {
        let x = T[i]!;
        for (let j = 0; j < m; j++) x ^= c[o + 16 * j + i]!;
        mps[16 * k + i] = x;
      }
    }
    const mcs = aes.update(mps);
    const M = new Uint8Array(16);
    for (let k = 0; k < n; k++) {
      const o = offsets[k]!;
      const m = (offsets[k + 1]! - o) >> 4;
      const b = 16 * k;
      for (let i = 0; i < 16; i++) M[i] = mps[b + i]! ^ mcs[b + i]!;
      for (let j = 1; j < m; j++) {
        multByTwo(M, 0, M, 0);
        const q = o + 16 * j;
        for (let i = 0; i < 16; i++) c[q + i] = c[q + i]! ^ M[i]!;
      }
      for (let i = 0; i < 16; i++) {
        let x = mcs[b + i]! ^ T[i]!;
        for (let j = 1; j < m; j++) x ^= c[o + 16 * j + i]!;
        c[o + i] = x;
      }
    }
    const out = aes.update(c);
    const results: Buffer[] = new Array<Buffer>(n);
    for (let k = 0; k < n; k++) {
      const o = offsets[k]!;
      const end = offsets[k + 1]!;
      for (let i = o; i < end; i++) out[i] = out[i]! ^ L[i - o]!;
      results[k] = out.subarray(o, end);
    }
    return results;
  }

  private transform(p: Uint8Array, aes: Cipher | Decipher): Buffer {
    const len = p.length;
    if (len === 0 || len % 16 !== 0 || len > 16 * MAX_BLOCKS) {
      throw new RangeError(`EME input must be 1..${MAX_BLOCKS} blocks of 16 bytes, got ${len} bytes`);
    }
    const m = len >> 4;
    const L = this.lTable;
    const T = this.tweak;
    const ppp = (this.scratch[m] ??= Buffer.alloc(len));
    for (let i = 0; i < len; i++) ppp[i] = p[i]! ^ L[i]!;
    const c = aes.update(ppp); // PPP_j
    const mp = this.mpScratch;
    for (let i = 0; i < 16; i++) {
      let x = T[i]!;
      for (let j = 0; j < m; j++) x ^= c[16 * j + i]!;
      mp[i] = x;
    }
    const mc = aes.update(mp);
    const M = this.mScratch;
    for (let i = 0; i < 16; i++) M[i] = mp[i]! ^ mc[i]!;
    for (let j = 1; j < m; j++) {
      multByTwo(M, 0, M, 0);
      const o = 16 * j;
      for (let i = 0; i < 16; i++) c[o + i] = c[o + i]! ^ M[i]!;
    }
    for (let i = 0; i < 16; i++) {
      let x = mc[i]! ^ T[i]!;
      for (let j = 1; j < m; j++) x ^= c[16 * j + i]!;
      c[i] = x;
    }
    const out = aes.update(c);
    for (let i = 0; i < len; i++) out[i] = out[i]! ^ L[i]!;
    return out;
  }
}

/** PKCS#7 padding to a multiple of 16 (1..16 bytes added). */
export function pkcs7Pad(data: Uint8Array): Buffer {
  const k = 16 - (data.length % 16);
  const out = Buffer.allocUnsafe(data.length + k);
  out.set(data, 0);
  out.fill(k, data.length);
  return out;
}

/** Removes PKCS#7 padding; returns the reason as a string when it is invalid. */
export function pkcs7Unpad(data: Buffer): Buffer | string {
  const n = data.length;
  if (n === 0) return 'padding too short';
  if (n % 16 !== 0) return 'padding not a multiple of the block size';
  const k = data[n - 1]!;
  if (k > 16) return 'padding too long';
  if (k === 0) return 'padding too short';
  for (let i = n - k; i < n; i++) if (data[i] !== k) return 'padding bytes not all the same';
  return data.subarray(0, n - k);
}
