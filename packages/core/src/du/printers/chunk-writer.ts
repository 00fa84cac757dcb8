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
  write(text: string): Promise<void> | undefined {
    this.pending += text;
    return this.pending.length >= this.flushAt ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    if (!this.output.write(chunk)) await waitForDrain(this.output);
  }
}

async function waitForDrain(output: Writable): Promise<void> {
  // A destroyed or errored stream (EPIPE) never drains: stop waiting instead of hanging.
  if (output.destroyed) return;
  await Promise.race([once(output, 'drain'), once(output, 'close')]);
}
