// Stored (billed) bytes next to plaintext bytes, checked against what real rclone lists on
// the underlying B2 remote (encrypted sizes) and on the crypt remote (plaintext sizes).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';
import { openCryptRemote } from '@rclone-b2/core';
import { main } from '../src/main.js';
import { DirUsage } from '../src/dir-usage.js';

const T0 = Date.UTC(2024, 0, 1);
const PART = 12_345;
let h: Harness;

const sizes = async (args: string[]): Promise<number> =>
  (JSON.parse(await h.rclone(['lsjson', '-R', '--files-only', '--b2-versions', ...args])) as Array<{ Size: number }>).reduce((sum, e) => sum + e.Size, 0);

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  const source = await h.writeTree('src', { 'a/one.txt': 'one', 'a/b/two.bin': 'y'.repeat(70_000), 'gone.txt': 'bye' });
  await h.rclone(['sync', source, 'secret:']);
  h.emulator.clock.advance(DAY);
  await writeFile(join(source, 'a/one.txt'), 'one, longer now');
  await rm(join(source, 'gone.txt'));
  await h.rclone(['sync', source, 'secret:']);
  // An interrupted large upload: a `start` entry with one part, which B2 stores and bills.
  const bucket = h.emulator.store.listBuckets().find((b) => b.bucketName === h.config.bucket)!;
  const remote = await openCryptRemote({ configPath: h.config.configPath, env: h.config.env });
  const start = h.emulator.store.addVersion({
    bucketId: bucket.bucketId,
    fileName: `${h.config.prefix}/${remote.names.encryptPath('a/big.iso')}`,
    action: 'start',
    contentLength: 0,
    contentSha1: null,
    contentType: 'application/octet-stream',
    fileInfo: {},
    uploadTimestamp: h.emulator.clock.now(),
  });
  h.emulator.store.putPart(start.fileId, { partNumber: 1, contentLength: PART, contentSha1: 'none', uploadTimestamp: h.emulator.clock.now() }, Buffer.alloc(PART));
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('encrypted-du stored (billed) bytes', () => {
  it('--total ends with the plaintext total and the stored total, unfinished large-file parts included', async () => {
    const plain = await sizes(['secret:']);
    const stored = await sizes([h.config.b2Path]);
    expect(stored).toBeGreaterThan(plain); // crypt's header and per-block overhead
    const result = await h.run(main, ['--total', 'secret:']);
    expect(result.code).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(new RegExp(`^${plain}\\ttotal plaintext \\(current \\d+, old/deleted \\d+\\)$`));
    expect(lines.at(-1)).toMatch(new RegExp(`^${stored + PART}\\ttotal stored, billed by B2 \\(current \\d+, old/deleted \\d+, unfinished large files ${PART}\\)$`));
    // The summary before the total lines is unchanged.
    expect(lines.slice(0, -2).join('\n')).toBe((await h.run(main, ['secret:'])).out.trimEnd());
  });

  it('-hc gives the totals human-readable; -v says the stored bytes too', async () => {
    const result = await h.run(main, ['-hc', '-v', '--depth', '1', 'secret:']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\n\d+(\.\d)?K\ttotal stored, billed by B2 \(/);
    expect(result.err).toMatch(/stored \(billed\) \d+(\.\d+)? KiB incl\. 1 unfinished large files; class A \d+, class B \d+, class C \d+/);
  });

  it.each([['--ls'], ['--json'], ['--ncdu']])('--total with %s is a usage error', async (format) => {
    const result = await h.run(main, ['--total', format, 'secret:']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--total goes with the text summary/);
  });
});

describe('DirUsage', () => {
  it('rolls every directory up into its parents', () => {
    const usage = new DirUsage();
    usage.add('a/b/c.txt', 'currentPlain', 10);
    usage.add('a/b/c.txt', 'currentStored', 42);
    usage.add('a/d.txt', 'oldPlain', 5);
    usage.add('e.txt', 'unfinishedStored', 7);
    const rows = new Map(usage.rows().map((r) => [r.path, r]));
    expect(rows.get('')).toEqual({ path: '', currentPlain: 10, oldPlain: 5, currentStored: 42, oldStored: 0, unfinishedStored: 7 });
    expect(rows.get('a')).toMatchObject({ currentPlain: 10, oldPlain: 5, currentStored: 42, unfinishedStored: 0 });
    expect(rows.get('a/b')).toMatchObject({ currentPlain: 10, oldPlain: 0 });
  });
});
