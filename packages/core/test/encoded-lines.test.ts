import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EncodedLines } from '../src/text/encoded-lines.js';

/** A slow sink with a small buffer, so back-pressure is real; keeps the bytes it got. */
function slowSink(): { stream: Writable; bytes: () => Buffer; most: () => number } {
  const chunks: Buffer[] = [];
  let most = 0;
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      most = Math.max(most, stream.writableLength);
      setImmediate(done);
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks), most: () => most };
}

describe('EncodedLines', () => {
  it('writes exactly the UTF-8 of the text, across chunk ends, long lines and surrogate pairs, waiting when told', async () => {
    const sink = slowSink();
    const writer = new EncodedLines(sink.stream);
    const pieces = Array.from({ length: 20_000 }, (_, i) => (i % 1000 === 0 ? `${'長'.repeat(40_000)}\n` : i % 3 === 0 ? `😀 ${i} ünï\n` : `line ${i}\n`));
    for (const p of pieces) await writer.write(p);
    await writer.flush();
    await new Promise<void>((resolve) => sink.stream.end(resolve));
    expect(sink.bytes().equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
    // Back-pressure held: never more than a few chunks queued in the stream.
    expect(sink.most()).toBeLessThan(8 * 128 * 1024);
  });
  it('a lone surrogate becomes U+FFFD, as a string write to a stream makes it', async () => {
    const sink = slowSink();
    const writer = new EncodedLines(sink.stream);
    await writer.write('a\ud800b\n');
    await writer.flush();
    await new Promise<void>((resolve) => sink.stream.end(resolve));
    expect(sink.bytes()).toEqual(Buffer.from('a\ud800b\n', 'utf8'));
  });
});
