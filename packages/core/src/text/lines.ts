import type { Readable, Writable } from 'node:stream';
import split2 from 'split2';

export interface ReadLinesOptions {
  /** Split on NUL instead of newline (`-0`, as `find -print0` writes). */
  nul?: boolean;
  /** Longest line accepted before it is cut off and reported (bytes). Default 64 MiB. */
  maxLength?: number;
}

/**
 * Yields the lines of a stream one at a time, honouring back-pressure (the source is
 * paused while the consumer works). A trailing CR is dropped so CRLF input works.
 */
export async function* readLines(input: Readable, options: ReadLinesOptions = {}): AsyncGenerator<string> {
  const separator = options.nul ? '\0' : /\r?\n/;
  const splitter = split2(separator, { maxLength: options.maxLength ?? 64 * 1024 * 1024 });
  input.on('error', (error) => splitter.destroy(error));
  input.pipe(splitter);
  for await (const line of splitter as AsyncIterable<string>) {
    yield options.nul && line.endsWith('\n') ? line.slice(0, -1) : line;
  }
}

/** Writes to a stream and waits for 'drain' only when its buffer is full. */
export async function writeWithBackpressure(output: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!output.write(chunk)) await waitForDrain(output);
}

/**
 * Waits for 'drain'. A closed or failed stream (EPIPE, ENOSPC) never drains, so those end
 * the wait too: the failure itself is handled where the stream's 'error' is (runTool).
 */
export function waitForDrain(output: Writable): Promise<void> {
  if (output.destroyed || output.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      output.off('drain', done);
      output.off('close', done);
      output.off('error', done);
      resolve();
    };
    output.on('drain', done);
    output.on('close', done);
    output.on('error', done);
  });
}

/**
 * Batches many small writes into larger chunks: a listing of millions of lines
 * would otherwise spend its time in per-write overhead.
 */
export class BufferedWriter {
  private buffer: string[] = [];
  private bufferedLength = 0;
  constructor(
    private readonly output: Writable,
    private readonly flushAt = 64 * 1024,
  ) {}

  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.bufferedLength += text.length;
    if (this.bufferedLength >= this.flushAt) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.bufferedLength = 0;
    await writeWithBackpressure(this.output, chunk);
  }
}
