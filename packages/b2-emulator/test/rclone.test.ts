import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, writeRcloneTestConfig, type Emulator, type RcloneTestConfig } from '../src/index.js';
import { rclone, rcloneBytes, tempDir } from './helpers.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 10, 12, 0, 0);
const sha1 = (b: Buffer | string): string => createHash('sha1').update(b).digest('hex');

interface LsjsonEntry {
  Path: string;
  Size: number;
  IsDir: boolean;
}

describe('real rclone 1.60.1 against the emulator', () => {
  let em: Emulator;
  let cfg: RcloneTestConfig;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let src: string;
  const run = async (...args: string[]): Promise<string> => {
    const r = await rclone(cfg.configPath, ...args);
    if (r.exitCode !== 0) throw new Error(`rclone ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
    return r.stdout;
  };
  const write = async (path: string, content: string | Buffer): Promise<void> => {
    await mkdir(dirname(join(src, path)), { recursive: true });
    await writeFile(join(src, path), content);
    await utimes(join(src, path), new Date(T0 - DAY), new Date(T0 - DAY));
  };
  const lsjson = async (...args: string[]): Promise<LsjsonEntry[]> =>
    (JSON.parse(await run('lsjson', '-R', '--files-only', ...args)) as LsjsonEntry[]).sort((a, b) => a.Path.localeCompare(b.Path));

  beforeAll(async () => {
    em = await startEmulator();
    em.clock.set(T0);
    tmp = await tempDir();
    src = join(tmp.dir, 'src');
    cfg = await writeRcloneTestConfig({ emulator: em, dir: join(tmp.dir, 'conf'), bucket: 'rclone-bucket', prefix: 'enc' });
  });
  afterAll(async () => {
    await em.close();
    await tmp.cleanup();
  });

  it('syncs into the crypt remote; changes and deletions leave versions and hide markers', async () => {
    await write('docs/hello.txt', 'hello v1');
    await write('docs/keep.txt', 'keep');
    await write('gone.txt', 'to be deleted');
    await write('bin/data.bin', randomBytes(150_000));
    await run('sync', src, cfg.cryptPath);
    expect((await lsjson(cfg.cryptPath)).map((e) => `${e.Path}:${e.Size}`)).toEqual([
      'bin/data.bin:150000', 'docs/hello.txt:8', 'docs/keep.txt:4', 'gone.txt:13',
    ]);
    // Names on B2 are encrypted under the unencrypted prefix.
    const raw = await run('lsf', '-R', '--files-only', `${cfg.b2Remote}:rclone-bucket`);
    expect(raw.split('\n').filter(Boolean).every((l) => l.startsWith('enc/') && !l.includes('hello'))).toBe(true);

    em.clock.set(T0 + 30 * DAY);
    await write('docs/hello.txt', 'hello version 2');
    await rm(join(src, 'gone.txt'));
    await run('sync', src, cfg.cryptPath);
    expect(await run('cat', `${cfg.cryptPath}docs/hello.txt`)).toBe('hello version 2');

    const versions = (await lsjson('--b2-versions', cfg.cryptPath)).map((e) => `${e.Path}:${e.Size}`);
    // The old versions carry the B2 upload time of the first sync (emulator clock, UTC).
    expect(versions.map((v) => v.replace(/-v2024-01-10-12000\d-\d{3}/, '-vT'))).toEqual([
      'bin/data.bin:150000', 'docs/hello-vT.txt:8', 'docs/hello.txt:15', 'docs/keep.txt:4', 'gone-vT.txt:13',
    ]);
    // The state as of the first sync.
    const at = (await lsjson('--b2-version-at', new Date(T0 + DAY).toISOString(), cfg.cryptPath)).map((e) => `${e.Path}:${e.Size}`);
    expect(at).toEqual(['bin/data.bin:150000', 'docs/hello.txt:8', 'docs/keep.txt:4', 'gone.txt:13']);
    // B2 itself holds a hide marker for the deleted file.
    const bucketId = em.store.listBuckets()[0]?.bucketId ?? '';
    const actions = [...em.store.view(bucketId).names.values()].flat().map((v) => v.action);
    expect(actions.filter((a) => a === 'hide')).toHaveLength(1);
    const check = await rclone(cfg.configPath, 'check', '--download', src, cfg.cryptPath);
    expect(check.exitCode).toBe(0);
  });

  it('deletes (hides) and cleans up as rclone documents for B2', async () => {
    await run('delete', `${cfg.cryptPath}docs`, '--include', 'keep.txt');
    expect((await lsjson(cfg.cryptPath)).map((e) => e.Path)).toEqual(['bin/data.bin', 'docs/hello.txt']);
    expect((await lsjson('--b2-versions', cfg.cryptPath)).some((e) => e.Path.startsWith('docs/keep-v'))).toBe(true);
    await run('cleanup', cfg.cryptPath);
    // Old versions gone; hidden files removed entirely.
    expect((await lsjson('--b2-versions', cfg.cryptPath)).map((e) => e.Path)).toEqual(['bin/data.bin', 'docs/hello.txt']);
    const bucketId = em.store.listBuckets()[0]?.bucketId ?? '';
    const all = [...em.store.view(bucketId).names.values()].flat();
    expect(all.every((v) => v.action === 'upload')).toBe(true);
    expect(all).toHaveLength(2);
  });

  it('uploads a large file in parts and reads it back whole and by range', async () => {
    const big = randomBytes(12 * 1024 * 1024);
    const file = join(tmp.dir, 'big', 'big.bin');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, big);
    const before = em.stats.get('b2_upload_part') ?? 0;
    await run('copy', dirname(file), `${cfg.b2Remote}:rclone-bucket/plain`, '--b2-upload-cutoff', '5M', '--b2-chunk-size', '5M');
    expect((em.stats.get('b2_upload_part') ?? 0) - before).toBe(3);
    const bucketId = em.store.listBuckets()[0]?.bucketId ?? '';
    const stored = em.store.versionsOf(bucketId, 'plain/big.bin')[0];
    expect(stored).toMatchObject({ action: 'upload', contentLength: big.length, contentSha1: 'none', fileInfo: { large_file_sha1: sha1(big) } });
    const cat = await rclone(cfg.configPath, 'cat', `${cfg.b2Remote}:rclone-bucket/plain/big.bin`);
    expect(cat.exitCode).toBe(0);
    const whole = await rcloneBytes(cfg.configPath, 'cat', `${cfg.b2Remote}:rclone-bucket/plain/big.bin`);
    expect(sha1(whole)).toBe(sha1(big));
    // Across the part boundary at 5 MiB.
    const part = await rcloneBytes(cfg.configPath, 'cat', '--offset', '5242870', '--count', '20', `${cfg.b2Remote}:rclone-bucket/plain/big.bin`);
    expect(part.equals(big.subarray(5242870, 5242890))).toBe(true);
    // Through crypt: the encrypted object is also a large file; content round-trips.
    await run('copy', dirname(file), `${cfg.cryptPath}large`, '--b2-upload-cutoff', '5M', '--b2-chunk-size', '5M');
    await expect(rclone(cfg.configPath, 'check', '--download', dirname(file), `${cfg.cryptPath}large`)).resolves.toMatchObject({ exitCode: 0 });
    const ranged = await rcloneBytes(cfg.configPath, 'cat', '--offset', '70000', '--count', '16', `${cfg.cryptPath}large/big.bin`);
    expect(ranged.equals(big.subarray(70000, 70016))).toBe(true);
  });

  it('works on the plain b2 remote: copy, ls, lsl, cat, versions, delete', async () => {
    const dir = join(tmp.dir, 'plain');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'one.txt'), 'first');
    const target = `${cfg.b2Remote}:rclone-bucket/p2`;
    await run('copy', dir, target);
    em.clock.advance(DAY);
    await writeFile(join(dir, 'one.txt'), 'second!');
    await run('copy', dir, target);
    expect(await run('cat', `${target}/one.txt`)).toBe('second!');
    expect((await run('ls', target)).trim()).toBe('7 one.txt');
    expect(await run('lsl', target)).toMatch(/7 \d{4}-\d\d-\d\d .* one\.txt/);
    const versions = (await run('ls', '--b2-versions', target)).trim().split('\n').map((l) => l.trim()).sort();
    expect(versions[0]).toMatch(/^5 one-v2024-02-09-12\d{4}-\d{3}\.txt$/);
    expect(versions[1]).toBe('7 one.txt');
    await run('delete', target);
    expect((await run('ls', target)).trim()).toBe('');
    expect((await run('ls', '--b2-versions', target)).trim().split('\n')).toHaveLength(2);
  });

  it('supports link (download authorization), touch (copy_file REPLACE), moveto, mkdir/rmdir of buckets', async () => {
    const dir = join(tmp.dir, 'misc');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'f.txt'), 'linked content');
    await run('copy', join(dir, 'f.txt'), `${cfg.b2Remote}:rclone-bucket/misc`);
    const link = (await run('link', `${cfg.b2Remote}:rclone-bucket/misc/f.txt`)).trim();
    expect(link).toMatch(/\?Authorization=/);
    expect(await (await fetch(link)).text()).toBe('linked content');
    await run('touch', '-t', '2020-01-01T00:00:00', `${cfg.b2Remote}:rclone-bucket/misc/f.txt`);
    expect(await run('lsl', `${cfg.b2Remote}:rclone-bucket/misc`)).toMatch(/14 2020-01-01 00:00:00\.000000000 f\.txt/);
    await run('moveto', `${cfg.b2Remote}:rclone-bucket/misc/f.txt`, `${cfg.b2Remote}:rclone-bucket/misc2/g.txt`);
    expect(await run('cat', `${cfg.b2Remote}:rclone-bucket/misc2/g.txt`)).toBe('linked content');
    const versions = (await run('ls', '--b2-versions', `${cfg.b2Remote}:rclone-bucket/misc`)).trim().split('\n');
    expect(versions).toHaveLength(2);
    await run('mkdir', `${cfg.b2Remote}:another-bucket`);
    expect(await run('lsd', `${cfg.b2Remote}:`)).toMatch(/another-bucket/);
    await run('rmdir', `${cfg.b2Remote}:another-bucket`);
    expect(await run('lsd', `${cfg.b2Remote}:`)).not.toMatch(/another-bucket/);
  });

  it('completes despite injected 503s, 429s, dropped connections and expired tokens', async () => {
    const dir = join(tmp.dir, 'faulty');
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 6; i++) await writeFile(join(dir, `f${i}.txt`), `file ${i}`);
    em.setFaults({ seed: 11, rules: [
      { kind: '503', every: 4, retryAfter: 0, limit: 3 },
      { kind: '429', every: 5, retryAfter: 0, limit: 2 },
      { kind: 'drop', every: 7, limit: 2 },
      { kind: 'expired', every: 6, limit: 2 },
    ] });
    try {
      await run('copy', dir, `${cfg.cryptPath}faulty`, '--retries', '5', '--low-level-retries', '20');
    } finally {
      em.setFaults();
    }
    const check = await rclone(cfg.configPath, 'check', '--download', dir, `${cfg.cryptPath}faulty`);
    expect(check.exitCode).toBe(0);
  });
});

describe('rclone test_mode against the emulator (X-Bz-Test-Mode)', () => {
  it.each([
    ['fail_some_uploads', 0],
    ['expire_some_account_authorization_tokens', 0],
    ['force_cap_exceeded', 1],
  ])('%s → rclone exit %i', async (mode, exitCode) => {
    const em = await startEmulator();
    const tmp = await tempDir();
    try {
      const cfg = await writeRcloneTestConfig({ emulator: em, dir: tmp.dir, bucket: 'testmode-bucket' });
      const dir = join(tmp.dir, 'src');
      await mkdir(dir, { recursive: true });
      for (let i = 0; i < 4; i++) await writeFile(join(dir, `f${i}`), `content ${i}`);
      const r = await rclone(cfg.configPath, 'copy', dir, cfg.cryptPath, '--b2-test-mode', mode, '--retries', '1', '--low-level-retries', '10');
      expect(r.exitCode === 0 ? 0 : 1).toBe(exitCode);
      if (exitCode === 0) expect((await rclone(cfg.configPath, 'check', '--download', dir, cfg.cryptPath)).exitCode).toBe(0);
      else expect(r.stderr).toMatch(/cap_exceeded/);
    } finally {
      await em.close();
      await tmp.cleanup();
    }
  });
});
