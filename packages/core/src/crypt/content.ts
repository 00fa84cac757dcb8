// rclone crypt file contents: "RCLONE\0\0", 24-byte nonce, then 64 KiB chunks sealed with
// NaCl secretbox (XSalsa20-Poly1305, tag first), the nonce incremented little-endian per block.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { BlockPool } from './block-pool.js';
import { CryptDataError } from './errors.js';
import type { ContentCipher } from './types.js';

export const FILE_MAGIC = Buffer.from('RCLONE\0\0', 'latin1');
export const HEADER_SIZE = 32;
export const BLOCK_DATA_SIZE = 65536;
export const BLOCK_HEADER_SIZE = 16;
export const BLOCK_SIZE = BLOCK_DATA_SIZE + BLOCK_HEADER_SIZE;

export interface ContentCipherOptions {
  /** Random source for nonces (tests inject a fixed one). Default: crypto.randomBytes. */
  randomBytes?: (size: number) => Uint8Array;
  /** `no_data_encryption = true`: contents are stored in clear, the streams pass data through. */
  noDataEncryption?: boolean;
  /**
   * Worker threads that seal/open blocks in parallel (0 = in this thread, the default).
   * Output order and constant memory are kept (at most 4 blocks per worker in flight).
   */
  workers?: number;
}

/** A ContentCipher that may own worker threads. */
export interface RcloneContentCipher extends ContentCipher {
  /** Stops the worker threads, if any (they never keep the process alive when idle). */
  close(): Promise<void>;
}

/** Keeps block results in order and limits how many are in flight. */
class InFlight {
  private readonly pending: Promise<Buffer>[] = [];
  constructor(
    private readonly limit: number,
    private readonly emit: (b: Buffer) => void,
  ) {}
  add(p: Promise<Buffer>): void {
    p.catch(() => undefined); // handled when awaited in order
    this.pending.push(p);
  }
  async drain(all: boolean): Promise<void> {
    while (this.pending.length > (all ? 0 : this.limit)) this.emit(await this.pending.shift()!);
  }
}

/** Encrypted size of a plaintext of `plain` bytes. */
export function encryptedSize(plain: number): number {
  if (!Number.isSafeInteger(plain) || plain < 0) throw new RangeError(`invalid plaintext size ${plain}`);
  const full = Math.floor(plain / BLOCK_DATA_SIZE);
  const rest = plain % BLOCK_DATA_SIZE;
  return HEADER_SIZE + full * BLOCK_SIZE + (rest === 0 ? 0 : rest + BLOCK_HEADER_SIZE);
}

/** Plaintext size of an encrypted file of `encrypted` bytes; CryptDataError if no plaintext has that size. */
export function plainSize(encrypted: number, label?: string): number {
  if (!Number.isSafeInteger(encrypted) || encrypted < 0) throw new RangeError(`invalid encrypted size ${encrypted}`);
  const n = encrypted - HEADER_SIZE;
  if (n < 0) throw new CryptDataError(`file is too short to be encrypted (${encrypted} bytes)`, label);
  const full = Math.floor(n / BLOCK_SIZE);
  const rest = n % BLOCK_SIZE;
  if (rest > 0 && rest <= BLOCK_HEADER_SIZE) {
    throw new CryptDataError(`impossible encrypted size ${encrypted} (truncated block header)`, label);
  }
  return full * BLOCK_DATA_SIZE + (rest === 0 ? 0 : rest - BLOCK_HEADER_SIZE);
}

/** Adds 1 to a 24-byte nonce as a little-endian counter, in place. */
export function incrementNonce(nonce: Uint8Array): void {
  for (let i = 0; i < nonce.length; i++) {
    nonce[i] = (nonce[i]! + 1) & 0xff;
    if (nonce[i] !== 0) return;
  }
}

/** Adds a block number to a 24-byte nonce (64-bit LE add with carry), for seeking to block `n`. */
export function addToNonce(nonce: Uint8Array, n: number | bigint): void {
  let carry = BigInt(n);
  for (let i = 0; i < nonce.length && carry > 0n; i++) {
    const sum = BigInt(nonce[i]!) + (carry & 0xffn);
    nonce[i] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
}

/** Collects input into fixed-size pieces without copying when a whole piece is available. */
class Chunker {
  private readonly buf: Buffer;
  private fill = 0;
  constructor(readonly size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** Calls `each` for every complete piece in `chunk` (plus what was buffered before). */
  push(chunk: Buffer, each: (piece: Buffer) => void): void {
    let off = 0;
    if (this.fill > 0) {
      const take = Math.min(this.size - this.fill, chunk.length);
      chunk.copy(this.buf, this.fill, 0, take);
      this.fill += take;
      off = take;
      if (this.fill < this.size) return;
      this.fill = 0;
      each(this.buf);
    }
    while (chunk.length - off >= this.size) {
      each(chunk.subarray(off, off + this.size));
      off += this.size;
    }
    if (off < chunk.length) {
      chunk.copy(this.buf, 0, off);
      this.fill = chunk.length - off;
    }
  }
  /** The buffered rest (a view; valid until the next push). */
  rest(): Buffer {
    return this.buf.subarray(0, this.fill);
  }
}

class DecryptTransform extends Transform {
  private header: Buffer | undefined = Buffer.alloc(0);
  private readonly nonce = new Uint8Array(24);
  private readonly blocks = new Chunker(BLOCK_SIZE);
  private blockIndex = 0;

  private readonly inFlight: InFlight | undefined;

  constructor(
    private readonly key: Uint8Array,
    private readonly label: string | undefined,
    private readonly pool?: BlockPool,
    limit = 8,
  ) {
    super();
    if (pool) this.inFlight = new InFlight(limit, (b) => this.push(b));
  }

  private authError(index: number): CryptDataError {
    return new CryptDataError(`failed to authenticate decrypted block ${index} - bad password or corrupted file?`, this.label);
  }

  private open(block: Buffer): void {
    if (this.pool) {
      const index = this.blockIndex++;
      this.inFlight!.add(
        this.pool.run(true, this.nonce, block).then((plain) => {
          if (!plain) throw this.authError(index);
          return plain;
        }),
      );
      incrementNonce(this.nonce);
      return;
    }
    let plain: Uint8Array;
    try {
      plain = xsalsa20poly1305(this.key, this.nonce).decrypt(block);
    } catch {
      throw this.authError(this.blockIndex);
    }
    incrementNonce(this.nonce);
    this.blockIndex++;
    this.push(Buffer.from(plain.buffer, plain.byteOffset, plain.length));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      if (this.header) {
        const need = HEADER_SIZE - this.header.length;
        this.header = Buffer.concat([this.header, chunk.subarray(0, need)]);
        chunk = chunk.subarray(need);
        if (this.header.length < HEADER_SIZE) return done();
        if (!this.header.subarray(0, 8).equals(FILE_MAGIC)) {
          throw new CryptDataError('not an encrypted file - bad magic string', this.label);
        }
        this.nonce.set(this.header.subarray(8, 32));
        this.header = undefined;
      }
      this.blocks.push(chunk, (block) => this.open(block));
      if (this.inFlight) return void this.inFlight.drain(false).then(() => done(), done);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.header) {
        throw new CryptDataError(`file is too short to be encrypted (${this.header.length} bytes)`, this.label);
      }
      const rest = this.blocks.rest();
      if (rest.length > 0 && rest.length <= BLOCK_HEADER_SIZE) {
        throw new CryptDataError(`file has truncated block header (block ${this.blockIndex})`, this.label);
      }
      if (rest.length > 0) this.open(rest);
      if (this.inFlight) return void this.inFlight.drain(true).then(() => done(), done);
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

class EncryptTransform extends Transform {
  private started = false;
  private readonly nonce: Uint8Array;
  private readonly chunks = new Chunker(BLOCK_DATA_SIZE);

  private readonly inFlight: InFlight | undefined;

  constructor(
    private readonly key: Uint8Array,
    random: (size: number) => Uint8Array,
    private readonly pool?: BlockPool,
    limit = 8,
  ) {
    super();
    if (pool) this.inFlight = new InFlight(limit, (b) => this.push(b));
    const nonce = random(24);
    if (nonce.length !== 24) throw new RangeError('random source must return the requested 24 bytes');
    this.nonce = Uint8Array.from(nonce);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.push(Buffer.concat([FILE_MAGIC, this.nonce]));
  }

  private seal(piece: Buffer): void {
    if (this.pool) {
      this.inFlight!.add(this.pool.run(false, this.nonce, piece).then((b) => b!));
      incrementNonce(this.nonce);
      return;
    }
    const sealed = xsalsa20poly1305(this.key, this.nonce).encrypt(piece);
    incrementNonce(this.nonce);
    this.push(Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.start();
    this.chunks.push(chunk, (piece) => this.seal(piece));
    if (this.inFlight) return void this.inFlight.drain(false).then(() => done(), done);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.start();
    const rest = this.chunks.rest();
    if (rest.length > 0) this.seal(rest);
    if (this.inFlight) return void this.inFlight.drain(true).then(() => done(), done);
    done();
  }
}

/** Streams of rclone's crypt file format for a remote's data key. */
export function createContentCipher(dataKey: Uint8Array, options: ContentCipherOptions = {}): RcloneContentCipher {
  if (dataKey.length !== 32) throw new RangeError('data key must be 32 bytes');
  const key = Uint8Array.from(dataKey);
  const random = options.randomBytes ?? ((n: number) => nodeRandomBytes(n));
  if (options.noDataEncryption) {
    return { decryptStream: () => new PassThrough(), encryptStream: () => new PassThrough(), close: async () => {} };
  }
  const workers = Math.max(0, Math.floor(options.workers ?? 0));
  let pool: BlockPool | undefined;
  const getPool = (): BlockPool | undefined => (workers > 0 ? (pool ??= new BlockPool(key, workers)) : undefined);
  const limit = 4 * Math.max(1, workers);
  return {
    decryptStream: (label?: string) => new DecryptTransform(key, label, getPool(), limit),
    encryptStream: () => new EncryptTransform(key, random, getPool(), limit),
    close: async () => {
      await pool?.close();
      pool = undefined;
    },
  };
}
