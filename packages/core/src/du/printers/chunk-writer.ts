import type { Writable } from 'node:stream';
import { once } from 'node:events';

/**
 * Collects output text into ~64 KiB chunks and waits for 'drain' only when the stream's
 * buffer is full: millions of short lines without a promise per line.
 */
export class ChunkWriter {
  private pending = '';
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

async function waitForDrain(output: Writable): Promise<void> {
  // A destroyed or errored stream (EPIPE) never drains: stop waiting instead of hanging.
  if (output.destroyed) return;
  await Promise.race([once(output, 'drain'), once(output, 'close')]);
}
