import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatIecSize, formatSize, parseDuration, parseSize, parseTime, readLines } from '../src/index.js';
import { parseSizeOrPercent } from '../src/text/sizes.js';
import { versionSuffix } from '../src/text/times.js';

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('readLines', () => {
  it('splits LF and CRLF, keeps empty lines, drops the final newline', async () => {
    expect(await collect(readLines(Readable.from(['a\r\nb', '\n\nc\n'])))).toEqual(['a', 'b', '', 'c']);
  });
  it('splits on NUL with nul mode', async () => {
    expect(await collect(readLines(Readable.from(['a b\0c\nd\0']), { nul: true }))).toEqual(['a b', 'c\nd']);
  });
});

describe('sizes', () => {
  it.each([
    ['0', 0], ['512', 512], ['1K', 1024], ['1.5M', 1572864], ['2GiB', 2147483648], ['3g', 3221225472], ['100B', 100],
  ])('parseSize(%s) = %d', (text, bytes) => expect(parseSize(text)).toBe(bytes));
  it('rejects garbage', () => expect(() => parseSize('ten')).toThrow(/invalid size/));
  it('parses percentages', () => expect(parseSizeOrPercent('5%')).toEqual({ kind: 'percent', percent: 5 }));
  it.each([
    [0, '0'], [1023, '1023'], [1024, '1.0K'], [1536, '1.5K'], [10240, '10K'], [10 * 1024 + 1, '11K'], [1048576, '1.0M'], [1048575, '1.0M'],
  ])('formatSize(%d) = %s', (bytes, text) => expect(formatSize(bytes)).toBe(text));
});

describe('durations and times', () => {
  it.each([
    ['90s', 90_000], ['10m', 600_000], ['1h30m', 5_400_000], ['7d', 604_800_000], ['2w', 1_209_600_000], ['1y', 31_536_000_000], ['5', 5000], ['250ms', 250],
  ])('parseDuration(%s) = %d', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it('rejects garbage durations', () => expect(() => parseDuration('3x')).toThrow(/invalid duration/));
  it('parses @epoch, ISO and "ago"', () => {
    expect(parseTime('@1714564800')).toBe(1714564800000);
    expect(parseTime('2024-05-01T12:00:00Z')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseTime('1d', 100_000_000)).toBe(100_000_000 - 86_400_000);
  });
  it('formats rclone version suffixes', () => {
    expect(versionSuffix(Date.UTC(2026, 10, 21, 20, 26, 27, 936))).toBe('-v2026-11-21-202627-936');
  });
});

describe('formatIecSize', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'],
    [4 * 1024 ** 3, '4.0 GiB'],
  ])('%d → %s', (bytes, text) => expect(formatIecSize(bytes)).toBe(text));
});
