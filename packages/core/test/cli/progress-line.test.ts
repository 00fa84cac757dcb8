import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressLine } from '../../src/index.js';

function setup(tty: boolean) {
  let clock = 1_000_000;
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const line = createProgressLine<number>({ stream, tty, tool: 'tool', now: () => clock, format: (n, seconds) => `${n} items, ${n / seconds}/s` });
  return { line, chunks, advance: (ms: number) => void (clock += ms) };
}

describe('createProgressLine', () => {
  it('rewrites one line on a terminal at most every 200 ms and ends it when done', async () => {
    const { line, chunks, advance } = setup(true);
    advance(1000);
    line.update(10);
    advance(100);
    line.update(20); // too soon: dropped
    advance(100);
    line.update(40);
    line.done(50);
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual(['\r\x1b[K10 items, 10/s', '\r\x1b[K40 items, 33.333333333333336/s', '\r\x1b[K50 items, 41.66666666666667/s\n']);
  });

  it('logs prefixed lines every 5 s when not a terminal', async () => {
    const { line, chunks, advance } = setup(false);
    advance(5000);
    line.update(5);
    advance(4999);
    line.update(6); // too soon: dropped
    advance(1);
    line.update(10);
    line.done(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual(['tool: 5 items, 1/s\n', 'tool: 10 items, 1/s\n', 'tool: 10 items, 1/s\n']);
  });

  it('never divides by a zero elapsed time', async () => {
    const { line, chunks } = setup(true);
    line.done(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual(['\r\x1b[K3 items, 3000/s\n']);
  });
});
