import { readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { DAY, servedSince, startHarness, type Harness } from 'b2-emulator/test-helpers';

const T0 = Date.UTC(2024, 0, 1);
const BIN = fileURLToPath(new URL('../bin/encrypted-restore.js', import.meta.url));
let h: Harness;
let source: string;

/** path → "content-sha-ish|mtime" for every file (and "-> target" for symlinks). */
async function snapshot(root: string, dir = root): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    const rel = relative(root, full);
    if (e.isDirectory()) Object.assign(out, await snapshot(root, full));
    else if (e.isSymbolicLink()) out[rel] = `-> ${await readlink(full)}`;
    else out[rel] = `${(await readFile(full)).toString('base64').slice(0, 40)}|${(await readFile(full)).length}|${Math.floor((await stat(full)).mtimeMs / 1000)}`;
  }
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  source = await h.writeTree('src', {
    'docs/a.txt': 'a1',
    'docs/deep/b c.txt': 'b1',
    'docs/big.bin': 'z'.repeat(150_000),
    'docs/gone.txt': 'gone soon',
    'docs/empty.txt': '',
    'docs/block.bin': 'b'.repeat(65_536),
    'top.txt': 'top',
  });
  await h.rclone(['sync', source, 'secret:']);
  h.emulator.clock.advance(10 * DAY);
  await writeFile(join(source, 'docs/a.txt'), 'a2 longer');
  await rm(join(source, 'docs/gone.txt'));
  await writeFile(join(source, 'docs/new.txt'), 'new');
  await h.rclone(['sync', source, 'secret:']);
  h.emulator.clock.advance(10 * DAY);
  await writeFile(join(source, 'docs/big.bin'), 'q'.repeat(70_000));
  await h.rclone(['sync', source, 'secret:']);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('encrypted-restore --as-of reproduces rclone --b2-version-at', () => {
  it.each([
    ['before the first change', T0 + 5 * DAY, 'secret:docs'],
    ['after the deletion', T0 + 15 * DAY, 'secret:docs'],
    ['now, whole remote', T0 + 25 * DAY, 'secret:'],
  ])('%s', async (_label, at, from) => {
    const ours = join(h.dir, `ours-${at}`);
    const theirs = join(h.dir, `theirs-${at}`);
    const result = await h.run(main, ['--as-of', iso(at), from, ours]);
    expect(result.err).toMatch(/restored \d+ files/);
    expect(result.code).toBe(0);
    await h.rclone(['copy', '--b2-version-at', iso(at), from, theirs]);
    const expected = await snapshot(theirs);
    expect(Object.keys(expected).length).toBeGreaterThan(2);
    expect(await snapshot(ours)).toEqual(expected);
  });
});

describe('encrypted-restore under injected faults', () => {
  it('restores the same tree with 429, 503, expired tokens and latency', async () => {
    const clean = join(h.dir, 'faults-clean');
    const faulty = join(h.dir, 'faults-faulty');
    expect((await h.run(main, ['--as-of', '0s', 'secret:', clean])).code).toBe(0);
    h.emulator.setFaults({
      seed: 11,
      rules: [
        { kind: '429', every: 3, retryAfter: 0, calls: ['b2_download_file_by_id'] },
        { kind: '503', every: 4 },
        { kind: 'expired', every: 5 },
        { kind: 'latency', ms: 20, probability: 0.5 },
      ],
    });
    try {
      const result = await h.run(main, ['--as-of', '0s', '--transfers', '3', 'secret:', faulty]);
      expect(result.err).not.toMatch(/FAILED/);
      expect(result.code).toBe(0);
    } finally {
      h.emulator.setFaults();
    }
    expect(await snapshot(faulty)).toEqual(await snapshot(clean));
  });
});

describe('encrypted-restore B2 usage', () => {
  it('--json -v: the summary b2 calls and classes are the calls the emulator served; -v prints the usage line', async () => {
    const target = join(h.dir, 'usage');
    const before = new Map(h.emulator.stats);
    const result = await h.run(main, ['--json', '-v', '--as-of', iso(T0 + 30 * DAY), 'secret:docs', target]);
    expect(result.code).toBe(0);
    const served = servedSince(h.emulator.stats, before);
    const doc = JSON.parse(result.out) as { summary: { restored: number; bytes: number; b2: { transactions: Record<string, number>; calls: Record<string, number>; bytesUp: number; bytesDown: number } } };
    expect(doc.summary.restored).toBeGreaterThan(0);
    expect(served.calls['b2_download_file_by_id']).toBeGreaterThan(0);
    expect(doc.summary.b2.calls).toEqual(served.calls);
    expect(doc.summary.b2.transactions).toEqual(served.transactions);
    // encrypted bytes on the wire: at least the plaintext restored, nothing uploaded
    expect(doc.summary.b2.bytesDown).toBeGreaterThanOrEqual(doc.summary.bytes);
    expect(doc.summary.b2.bytesUp).toBe(0);
    const t = served.transactions;
    expect(result.err).toContain(`B2 transactions: class A ${t.A}, class B ${t.B}, class C ${t.C}; 0 B up, `);
  });
});

describe('encrypted-restore --all', () => {
  it('restores every upload and marks the deletion', async () => {
    const target = join(h.dir, 'all');
    const result = await h.run(main, ['--all', '--json', 'secret:docs', target]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.out) as { dryRun: boolean; items?: unknown; summary: { files: number; restored: number; deletions: number; marked: number; failed: number } };
    expect(doc.dryRun).toBe(false);
    expect(doc.items).toBeUndefined();
    expect(doc.summary.failed).toBe(0);
    expect(doc.summary.deletions).toBeGreaterThan(0);
    // files and deletion marks counted apart (test/target.test.ts checks them against the disk)
    expect(doc.summary.restored).toBe(doc.summary.files);
    expect(doc.summary.marked).toBe(doc.summary.deletions);
    const names = Object.entries(await snapshot(target)).map(([p, v]) => (v.startsWith('->') ? `${p} ${v}` : p)).sort();
    // rclone's --b2-versions names: the upload time (UTC) before the extension.
    expect(names.map((n) => n.replace(/-v\d{4}-\d\d-\d\d-\d{6}-\d{3}/, '-vTIME'))).toEqual(
      [
        'a-vTIME.txt',
        'a-vTIME.txt',
        'big-vTIME.bin',
        'big-vTIME.bin',
        'block-vTIME.bin',
        'empty-vTIME.txt',
        'deep/b c-vTIME.txt',
        'gone-vTIME.txt',
        'gone-vTIME.txt -> /dev/null',
        'new-vTIME.txt',
      ].sort(),
    );
  });
});

describe('version names (issue 17): as real rclone --b2-versions names them', () => {
  // Checked against rclone 1.60.1: the suffix is the upload time in UTC whatever TZ says
  // (an upload at 03:04:05.678 UTC is -v…-030405-678 under TZ=Asia/Kolkata too), so the
  // issue's "local-time names" would not match rclone; we follow rclone.
  it('under TZ=Asia/Kolkata the --all names are the names rclone lists (UTC), relative to TARGET', async () => {
    const target = join(h.dir, 'all-tz');
    const env = { RCLONE_CONFIG: h.config.configPath, TZ: 'Asia/Kolkata' };
    const result = await execa('node', [BIN, '--all', 'secret:docs', target], { reject: false, env });
    expect(result.exitCode).toBe(0);
    const ours = Object.entries(await snapshot(target)).filter(([, v]) => !v.startsWith('->')).map(([p]) => p).sort();
    const listed = (await execa('rclone', ['--config', h.config.configPath, 'lsf', '-R', '--files-only', '--b2-versions', 'secret:docs'], { env })).stdout.split('\n').filter(Boolean);
    const suffix = /-v\d{4}-\d\d-\d\d-\d{6}-\d{3}(?=\.[^./]*$|$)/;
    const rcloneVersions = listed.filter((n) => suffix.test(n));
    for (const name of rcloneVersions) expect(ours).toContain(name);
    // what rclone lists under the plain name (the current upload) we name with its suffix too
    const extra = ours.filter((n) => !rcloneVersions.includes(n)).map((n) => n.replace(suffix, '')).sort();
    expect(extra).toEqual(listed.filter((n) => !suffix.test(n)).sort());
    // nothing above TARGET, no "docs/" level: paths are relative to the restored path
    expect(ours.every((n) => !n.startsWith('docs/') && !n.startsWith('..'))).toBe(true);
    // the first sync ran at T0 = 2024-01-01 00:00 UTC (05:30 in Kolkata): UTC in the name
    expect(ours.filter((n) => /^empty-v2024-01-01-00[0-5]\d{3}-\d{3}\.txt$/.test(n))).toHaveLength(1);
  });
});

describe('resumption and integrity', () => {
  it('a restore killed halfway resumes without downloading finished files again', async () => {
    const many = await h.writeTree('many', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, `file ${i} `.repeat(100 + i)])));
    await h.rclone(['copy', many, 'secret:many']);
    const target = join(h.dir, 'resume');
    h.emulator.setFaults([{ kind: 'latency', ms: 400, calls: ['b2_download_file_by_id'] }]);
    const downloads = () => h.emulator.stats.get('b2_download_file_by_id') ?? 0;
    try {
      const child = execa('node', [BIN, '--as-of', '0s', '--transfers', '1', '--config', h.config.configPath, 'secret:many', target], {
        reject: false,
        env: { RCLONE_CONFIG: h.config.configPath },
      });
      for (let i = 0; i < 600; i += 1) {
        const done = (await readdir(target).catch(() => [])).filter((n) => !n.startsWith('.'));
        if (done.length >= 3) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      await child;
    } finally {
      h.emulator.setFaults();
    }
    const finished = (await readdir(target)).filter((n) => !n.startsWith('.'));
    expect(finished.length).toBeGreaterThanOrEqual(3);
    expect(finished.length).toBeLessThan(12);
    const before = downloads();
    const result = await h.run(main, ['--as-of', '0s', 'secret:many', target]);
    expect(result.code).toBe(0);
    expect(downloads() - before).toBe(12 - finished.length);
    expect(result.err).toMatch(new RegExp(`${finished.length} already complete`));
    expect((await readdir(target)).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `f${i}.txt`).sort());
    for (let i = 0; i < 12; i += 1) expect(await readFile(join(target, `f${i}.txt`), 'utf8')).toBe(`file ${i} `.repeat(100 + i));
  });

  it.each([
    ['bytes changed (B2 SHA-1 and MAC both fail)', false],
    ['bytes changed and the stored SHA-1 forged (MAC fails)', true],
  ])('a tampered object is reported and not written: %s', async (_label, forgeSha) => {
    const target = join(h.dir, `tamper-${forgeSha}`);
    const bucketId = h.emulator.store.listBuckets()[0]!.bucketId;
    const view = h.emulator.store.view(bucketId);
    const name = view.sorted.find((n) => (view.names.get(n)?.[0]?.contentLength ?? 0) === 32 + 3 + 16)!; // top.txt: 3 bytes
    const version = view.names.get(name)![0]!;
    const original = Buffer.from(h.emulator.store.blobs.get(version.fileId)!);
    const damaged = Buffer.from(original);
    damaged[damaged.length - 1] = damaged.readUInt8(damaged.length - 1) ^ 1;
    h.emulator.store.blobs.put(version.fileId, damaged);
    const originalSha = version.contentSha1;
    if (forgeSha) (version as { contentSha1: string | null }).contentSha1 = (await import('node:crypto')).createHash('sha1').update(damaged).digest('hex');
    try {
      const result = await h.run(main, ['--as-of', '0s', 'secret:top.txt', target]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/top\.txt: .*(SHA-1|sha1|authenticate)/i);
      expect(await readdir(target)).toEqual([]);
    } finally {
      h.emulator.store.blobs.put(version.fileId, original);
      (version as { contentSha1: string | null }).contentSha1 = originalSha;
    }
  });
});

describe('bad input', () => {
  it('a target that cannot be a directory is a configuration error, nothing downloaded', async () => {
    const file = join(h.dir, 'a-file');
    await writeFile(file, 'x');
    const before = h.emulator.stats.get('b2_download_file_by_id') ?? 0;
    const result = await h.run(main, ['--as-of', '0s', 'secret:', join(file, 'sub')]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/cannot create target/);
    expect(h.emulator.stats.get('b2_download_file_by_id') ?? 0).toBe(before);
  });
  it.each([
    [['--as-of', 'yesterday-ish', 'secret:', 'x'], /invalid value "yesterday-ish" for --as-of: expected a time/],
    [['secret:', 'x'], /exactly one of --all and --as-of/],
    [['--all', 'secret', 'x'], /expected CRYPT-REMOTE:PATH/],
    [['--all', 'nosuch:', 'x'], /remote "nosuch" not found/],
    [['--all', '--retries', '-5', 'secret:', 'x'], /invalid value "-5" for --retries: expected a whole number of at least 1/],
    [['--all', '--decrypt-workers', 'abc', 'secret:', 'x'], /invalid value "abc" for --decrypt-workers: expected a whole number of at least 0/],
    [['--all', '--as-of', '1d', 'secret:', 'x'], /exactly one of --all and --as-of/],
  ])('%j → exit 2', async (argv, message) => {
    const result = await h.run(main, argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
  it('an unknown path is reported with exit 1', async () => {
    const result = await h.run(main, ['--as-of', '0s', 'secret:no/such/dir', join(h.dir, 'none')]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/nothing to restore/);
  });
});
