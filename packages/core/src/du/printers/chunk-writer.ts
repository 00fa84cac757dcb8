import type { Writable } from 'node:stream';
import { waitForDrain } from '../../text/lines.js';

/** Chunk buffers in flight (and kept for reuse) at most. */
const MAX_CHUNKS = 4;

/**
 * Collects output text into ~64 KiB chunks and waits for 'drain' only when the stream's
 * buffer is full: millions of short lines without a promise per line.
 */
export class ChunkWriter {
  private pending = '';
  /**
   * Whether the output writes to a file descriptor (a file, pipe or terminal): the bytes of
   * a written chunk have then left it when its write calls back. An in-process consumer
   * (a PassThrough's reader) may keep the very Buffer it was given.
   */
  get toDescriptor(): boolean {
    // Asked when needed: a file stream has its descriptor only once opened.
    return 'fd' in this.output && typeof this.output.fd === 'number';
  }
  constructor(
    private readonly output: Writable,
    private readonly flushAt = 64 * 1024,
  ) {}

  /** Returns a promise only when the caller has to wait (await it then). */
  write(data: string | Buffer): Promise<void> | undefined {
    if (typeof data !== 'string') return this.flush(data);
    this.pending += data;
    return this.pending.length >= this.flushAt ? this.flush() : undefined;
  }

  /**
   * A chunk buffer for `writeChunk`: a recycled one when the stream has finished with it.
   * Reusing a few buffers keeps a long report from leaving tens of MB of written chunks
   * for the garbage collector (their memory is outside V8's heap, so it is collected late).
   */
  chunk(size: number): Buffer {
    const free = this.free.pop();
    return free !== undefined && free.length >= size ? free : Buffer.allocUnsafe(size);
  }

  /** Writes `buf[0, length)` of a buffer from `chunk()`; it is recycled once written (or handed to `release`). */
  writeChunk(buf: Buffer, length: number, release?: (buf: Buffer) => void): Promise<void> | undefined {
    let ok = true;
    if (this.pending !== '') {
      ok = this.output.write(this.pending);
      this.pending = '';
    }
    this.outstanding += 1;
    const recycle = (error?: Error | null): void => {
      this.outstanding -= 1;
      if (release) release(buf);
      // Only a descriptor's writes are done with the bytes: a reader in this process may keep the Buffer.
      else if (!error && this.toDescriptor && this.free.length < MAX_CHUNKS) this.free.push(buf);
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.();
    };
    ok = this.output.write(buf.subarray(0, length), recycle) && ok;
    if (!ok) return waitForDrain(this.output);
    // A stream that writes at once still calls back on a later tick: without waiting for
    // that, every chunk of a long report would be a fresh allocation (hundreds of MB of
    // page faults), so at most MAX_CHUNKS are in flight.
    if (this.outstanding >= MAX_CHUNKS) return new Promise((resolve) => (this.waiting = resolve));
    return undefined;
  }

  private readonly free: Buffer[] = [];
  private outstanding = 0;
  private waiting: (() => void) | undefined;

  /** Writes what is pending (and then `extra`, a Buffer the caller will not reuse). */
  async flush(extra?: Buffer): Promise<void> {
    let ok = true;
    if (this.pending !== '') {
      const chunk = this.pending;
      this.pending = '';
      ok = this.output.write(chunk);
    }
    if (extra && extra.length > 0) ok = this.output.write(extra) && ok;
    if (!ok) await waitForDrain(this.output);
  }
}
