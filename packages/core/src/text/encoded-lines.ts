import type { Writable } from 'node:stream';
import { ChunkWriter } from '../du/printers/chunk-writer.js';

const CHUNK = 64 * 1024;

/**
 * Text encoded as UTF-8 straight into ~64 KiB buffers (ChunkWriter's, reused), for outputs
 * of millions of short lines: no write per line, and no joined string encoded a second time.
 */
export class EncodedLines {
  private readonly writer: ChunkWriter;
  private buf: Buffer;
  private used = 0;

  constructor(output: Writable) {
    this.writer = new ChunkWriter(output);
    this.buf = this.writer.chunk(CHUNK);
  }

  /** Returns a promise only when the caller has to wait for the stream (back-pressure). */
  write(text: string): Promise<void> | undefined {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair 4 for 2 units).
    if (this.used + 3 * text.length <= this.buf.length) {
      this.used += this.buf.write(text, this.used);
      return undefined;
    }
    const waiting = this.used > 0 ? this.writer.writeChunk(this.buf, this.used) : undefined;
    this.buf = this.writer.chunk(Math.max(CHUNK, 3 * text.length));
    this.used = this.buf.write(text, 0);
    return waiting;
  }

  /** Writes out what is held. */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    const waiting = this.writer.writeChunk(this.buf, this.used);
    this.buf = this.writer.chunk(CHUNK);
    this.used = 0;
    await waiting;
  }
}
