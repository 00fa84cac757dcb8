import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@rclone-b2/core';
import { selectSample, type Candidate } from '../src/sample.js';
import { listLines } from '../src/verify.js';
import { parseVerifyConditions } from '../src/verify-conditions.js';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

const DAY = 86_400_000;

interface Summary {
  selected: { files: number; bytes: number };
  total: { files: number; bytes: number };
  matched: number;
  differ: string[];
  coverage?: { filesPercent: number; bytesPercent: number };
}

describe('selectSample (pure)', () => {
  const now = Date.now();
  const population: Candidate[] = Array.from({ length: 400 }, (_, i) => ({ path: `f${i}`, size: (i + 1) * 1000, mtimeMs: now, tier: 0 }));
  const totals = { files: 400, bytes: population.reduce((s, c) => s + c.size, 0) };
  it.each([1, 2, 3, 4, 5])('hard data limit is never exceeded (seed %d)', (seed) => {
    const chosen = selectSample(population, parseVerifyConditions(['data=<1M']), totals, seededRandom(seed));
    const bytes = chosen.reduce((s, c) => s + c.size, 0);
    expect(bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(bytes).toBeGreaterThan(1024 * 1024 - 400_000);
  });
  it('a soft limit overshoots by at most the last file', () => {
    const chosen = selectSample(population, parseVerifyConditions(['data=1M']), totals, seededRandom(7));
    const bytes = chosen.reduce((s, c) => s + c.size, 0);
    expect(bytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(bytes - (chosen.at(-1)?.size ?? 0)).toBeLessThan(1024 * 1024);
  });
  it('data sampling strongly prefers large files; files sampling is uniform', () => {
    const mean = (cs: Candidate[]): number => cs.reduce((s, c) => s + c.size, 0) / cs.length;
    const byData = selectSample(population, parseVerifyConditions(['data=5M']), totals, seededRandom(11));
    const byCount = selectSample(population, parseVerifyConditions(['files=40']), totals, seededRandom(11));
    expect(byCount).toHaveLength(40);
    expect(mean(byData)).toBeGreaterThan(mean(population) * 1.25);
    expect(Math.abs(mean(byCount) - mean(population))).toBeLessThan(mean(population) * 0.3);
  });
  it.each([
    [['files=10%'], 40],
    [['files=7'], 7],
    [['data=<1%', 'files=1000'], undefined],
  ])('%j selects the right count', (conds, count) => {
    const chosen = selectSample(population, parseVerifyConditions(conds), totals, seededRandom(3));
    if (count !== undefined) expect(chosen).toHaveLength(count);
    else expect(chosen.reduce((s, c) => s + c.size, 0)).toBeLessThanOrEqual(totals.bytes / 100);
  });
  it('prefers never, then least recently verified files', () => {
    const mixed = population.map((c, i) => ({ ...c, verifiedMs: i < 390 ? now - (i % 3) * DAY : undefined }));
    const chosen = selectSample(mixed, parseVerifyConditions(['files=15']), totals, seededRandom(1));
    expect(chosen.slice(0, 10).every((c) => c.verifiedMs === undefined)).toBe(true);
    expect(chosen.slice(10).every((c) => c.verifiedMs === now - 2 * DAY)).toBe(true);
  });
  it.each([
    ['a/b.txt', true, ['a/b.txt']],
    // Raw lines: glob characters, backslashes and edge spaces stay as they are.
    [' we*ird?[x]{y}\\z #; ', true, [' we*ird?[x]{y}\\z #; ']],
    // Without --copy-links a link is named by both its names (rclone filters see both).
    ['d/link.rclonelink', false, ['d/link.rclonelink', 'd/link']],
    // A line break cannot be named in a list: no line (the check then counts it as not checked).
    ['d/two\nlines', true, []],
  ])('listLines(%j, copyLinks %j)', (path, copyLinks, lines) => expect(listLines(path, copyLinks)).toEqual(lines));
});

describe('verify against a real destination', () => {
  const dir = tempDir('rb-verify-');
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  const conf = writeConfig(dir, 'v', `[default]\nsource = ${src}\ndestination = ${dst}\narchive_specials = no\n[filters]\n- *.skip\n`);
  const lock = ['--lock-dir', dir];
  const now = Date.now();
  const sizes: Record<string, number> = {};
  beforeAll(async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) {
      const path = `d${i % 4}/file-${String(i).padStart(2, '0')}.bin`;
      files[path] = String.fromCharCode(65 + (i % 26)).repeat((i + 1) * 500);
      sizes[path] = (i + 1) * 500;
    }
    writeTree(src, files);
    writeTree(src, { 'ignored.skip': 'x' });
    // Half the files are old.
    for (const [i, path] of Object.keys(files).entries()) {
      const t = i % 2 === 0 ? now - 10 * DAY : now - 3600_000;
      utimesSync(join(src, path), t / 1000, t / 1000);
    }
    expect((await run([conf, ...lock])).code).toBe(0);
  });
  afterAll(() => cleanup(dir));

  const verify = async (...args: string[]) => {
    const result = await run([conf, '--json', '--seed', '42', ...lock, ...args]);
    return { ...result, summary: JSON.parse(result.out || '{}') as Summary };
  };

  it('all: every file equal', async () => {
    const r = await verify('--verify', 'all');
    expect(r.code).toBe(0);
    expect(r.summary.matched).toBe(60);
  });
  it.each([
    [['--verify', 'files=10'], 10],
    [['--verify', 'files=50%'], 30],
    [['--verify', 'age=1d'], 30],
    [['--verify', 'age=1d', '--verify', 'files=5'], 5],
  ])('%j checks %d files', async (args, count) => {
    const r = await verify(...args);
    expect(r.code).toBe(0);
    expect(r.summary.selected.files).toBe(count);
    expect(r.summary.matched).toBe(count);
  });
  it('age= only picks young files; data=< never exceeds the limit', async () => {
    const r = await verify('--verify', 'age=1d', '--verify', 'data=<100K', '-v');
    expect(r.code).toBe(0);
    expect(r.summary.selected.bytes).toBeLessThanOrEqual(100 * 1024);
    expect(r.summary.selected.bytes).toBeGreaterThan(50 * 1024);
  });
  it('a corrupted destination file → exit 1 naming it (same size, same mtime)', async () => {
    const victim = join(dst, 'd1/file-05.bin');
    const original = readFileSync(victim);
    const stat = (await import('node:fs')).statSync(victim);
    writeFileSync(victim, Buffer.alloc(original.length, 0x5a));
    utimesSync(victim, stat.atime, stat.mtime);
    try {
      const r = await verify('--verify', 'files=100%');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/differs: d1\/file-05\.bin/);
      expect(r.summary.differ).toEqual(['d1/file-05.bin']);
      expect(r.summary.matched).toBe(59);
      const all = await verify('--verify', 'all');
      expect(all.code).toBe(1);
      expect(all.err).toMatch(/differs: d1\/file-05\.bin/);
    } finally {
      writeFileSync(victim, original);
      utimesSync(victim, stat.atime, stat.mtime);
    }
  });
  it('the ledger rotates coverage: full coverage after enough runs, reported', async () => {
    const ledger = join(dir, 'ledger.jsonl');
    const seen = new Set<string>();
    let last: Summary | undefined;
    for (let run = 0; run < 6; run++) {
      const r = await run_(ledger, run);
      expect(r.code).toBe(0);
      last = r.summary;
      for (const line of readFileSync(ledger, 'utf8').trim().split('\n')) seen.add((JSON.parse(line) as { path: string }).path);
    }
    expect(seen.size).toBe(60);
    expect(last?.coverage).toEqual({ windowMs: 30 * DAY, filesPercent: 100, bytesPercent: 100 });
  });
  it('--rotate lets the budget spill from the age= files to the least recently verified rest', async () => {
    const ledger = join(dir, 'rotate.jsonl');
    const plain = await verify('--verify', 'age=1d', '--verify', 'files=40', '--ledger', ledger);
    expect(plain.summary.selected.files).toBe(30);
    const rotated = await verify('--verify', 'age=1d', '--verify', 'files=40', '--ledger', ledger, '--rotate');
    expect(rotated.summary.selected.files).toBe(40);
    const verified = readFileSync(ledger, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string });
    expect(verified).toHaveLength(40);
    // The 10 old files verified by rotation were never verified before; the next run picks 10 other old ones.
    const again = await verify('--verify', 'age=1d', '--verify', 'files=40', '--ledger', ledger, '--rotate');
    expect(again.code).toBe(0);
    expect(readFileSync(ledger, 'utf8').trim().split('\n')).toHaveLength(50);
  });
  async function run_(ledger: string, seed: number) {
    const result = await run([conf, '--json', '--seed', String(seed), ...lock, '--verify', 'files=10', '--ledger', ledger]);
    expect(result.err).toMatch(/% of bytes and .*% of files verified within 30d/);
    return { ...result, summary: JSON.parse(result.out) as Summary };
  }
});

describe('verify with more than 1,000 files (batches)', () => {
  const dir = tempDir('rb-verify-big-');
  afterAll(() => cleanup(dir));
  it('checks 1,200 sampled files in batches of path lists', async () => {
    const src = join(dir, 'src');
    const files: Record<string, string> = {};
    for (let i = 0; i < 1300; i++) files[`dir ${i % 7}/f[${i}]*.txt`] = `content ${i}`;
    writeTree(src, files);
    const conf = writeConfig(dir, 'big', `[default]\nsource = ${src}\ndestination = ${dir}/dst\n`);
    expect((await run([conf, '--lock-dir', dir])).code).toBe(0);
    const r = await run([conf, '--json', '--lock-dir', dir, '--verify', 'files=1200', '--batch-size', '500']);
    expect(r.err).toBe('rclone-backup: verify big: checked the contents of 1200 of 1300 files (14K of 15K) by download; 1300 files present on both sides; 0 failed\n');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as Summary;
    expect(summary.selected.files).toBe(1200);
    expect(summary.matched).toBe(1200);
  });
});

describe('verify checks each sampled file by its exact name, and fails for one rclone says nothing about', () => {
  const dir = tempDir('rb-verify-names-');
  afterAll(() => cleanup(dir));
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  // Names a filter rule loses (rclone trims a rule's edge spaces) or would have to escape.
  const odd = ['trailing space ', ' leading space', 'glob*?[x]{y}.txt', 'back\\slash', '#hash', ';semi', 'sub dir /end '];
  const conf = writeConfig(dir, 'names', `[default]\nsource = ${src}\ndestination = ${dst}\narchive_specials = no\n`);
  beforeAll(async () => {
    writeTree(src, Object.fromEntries(odd.map((name, i) => [name, `content ${i}`])));
    expect((await run([conf, '--lock-dir', dir])).code).toBe(0);
  });
  it('every file, whatever its name, has its contents checked', async () => {
    const r = await run([conf, '--json', '--lock-dir', dir, '--verify', `files=${odd.length}`]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as Summary & { checked: { files: number } };
    expect(summary.selected.files).toBe(odd.length);
    expect(summary.checked.files).toBe(odd.length);
    expect(summary.matched).toBe(odd.length);
  });
  it('the size check has rclone write only the differences (equal files counted from its notice), the content check a line per sampled file', async () => {
    const log = join(dir, 'args.log');
    const wrapper = join(dir, 'rclone-args.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> ${log}\nexec rclone "$@"\n`, { mode: 0o755 });
    const r = await run([conf, '--json', '--lock-dir', dir, '--verify', 'files=2'], { RCLONE: wrapper });
    expect(r.code).toBe(0);
    const runs = readFileSync(log, 'utf8').trim().split('\n');
    const sizeCheck = runs.find((a) => a.includes('--size-only')) ?? '';
    expect(sizeCheck).not.toContain('--combined');
    for (const flag of ['--differ', '--missing-on-dst', '--missing-on-src', '--error']) expect(sizeCheck).toContain(flag);
    expect(runs.find((a) => a.includes('--files-from-raw'))).toContain('--combined -');
    // Every file is still counted as present on both sides, from rclone's "N matching files".
    expect((JSON.parse(r.out) as { present: number }).present).toBe(odd.length);
  });
  it('a sampled file gone from both sides by the time of the check is named and fails the run', async () => {
    // The real rclone, after the file has gone from both sides just before the content check.
    const wrapper = join(dir, 'rclone-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\ncase "$*" in *--files-from-raw*) rm -f "${src}/#hash" "${dst}/#hash";; esac\nexec rclone "$@"\n`, { mode: 0o755 });
    const r = await run([conf, '--json', '--lock-dir', dir, '--verify', `files=${odd.length}`], { RCLONE: wrapper });
    expect(r.code).toBe(1);
    expect(r.err).toContain('verify: rclone reported nothing for 1 sampled file(s), so they were not checked');
    expect(r.err).toContain('could not check: #hash\n');
    const summary = JSON.parse(r.out) as Summary & { checked: { files: number }; errors: string[]; failed: number };
    expect(summary.errors).toEqual(['#hash']);
    expect(summary.failed).toBe(1);
    expect(summary.matched).toBe(odd.length - 1);
  });
});

describe('verify compares both ways: nothing missing, nothing extra', () => {
  const dir = tempDir('rb-verify-both-');
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  const conf = writeConfig(dir, 'both', `[default]\nsource = ${src}\ndestination = ${dst}\narchive_specials = no\n[filters]\n- *.skip\n`);
  const lock = ['--lock-dir', dir];
  interface Full extends Summary {
    checked: { files: number; bytes: number };
    present: number;
    failed: number;
    missing: string[];
    extra: string[];
    errors: string[];
  }
  const verify = async (...args: string[]) => {
    const result = await run([conf, '--json', '--seed', '1', ...lock, ...args]);
    return { ...result, summary: JSON.parse(result.out || '{}') as Full };
  };
  beforeAll(async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`d${i % 3}/f${i}.txt`] = `file ${i} `.repeat(i + 1);
    writeTree(src, files);
    expect((await run([conf, ...lock])).code).toBe(0);
  });
  afterAll(() => cleanup(dir));

  it('a clean backup: exit 0, and the summary states files and bytes checked and 0 failed', async () => {
    const r = await verify('--verify', 'files=5');
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ total: { files: 40 }, checked: { files: 5 }, present: 40, failed: 0, missing: [], extra: [], differ: [] });
    expect(r.summary.checked.bytes).toBe(r.summary.selected.bytes);
    expect(r.err).toMatch(/^rclone-backup: verify both: checked the contents of 5 of 40 files \(\S+ of \S+\) by download; 40 files present on both sides; 0 failed\n$/);
  });

  it.each([[['--verify', 'files=1']], [['--verify', 'files=100%']], [['--verify', 'age=1d']], [['--verify', 'all']]])(
    '%j: a file deleted from the destination → exit 1 naming it',
    async (args) => {
      const victim = join(dst, 'd1/f7.txt');
      const content = readFileSync(victim);
      rmSync(victim);
      try {
        const r = await verify(...args);
        expect(r.code).toBe(1);
        expect(r.summary.missing).toEqual(['d1/f7.txt']);
        expect(r.summary.failed).toBe(1);
        expect(r.err).toMatch(/missing at the destination: d1\/f7\.txt/);
        expect(r.err).toMatch(/; 1 failed \(1 missing, 0 only at the destination, 0 differ, 0 unreadable\)/);
      } finally {
        writeFileSync(victim, content);
      }
    },
  );

  it.each([[['--verify', 'files=1']], [['--verify', 'all']], [['--verify', 'all', '--verify-mode', 'hash']]])(
    '%j: a destination file without a source (and not excluded) → exit 1 naming it; excluded ones are ignored',
    async (args) => {
      writeTree(dst, { 'd2/stray.txt': 'not from the source', 'ignored.skip': 'excluded by the filters' });
      try {
        const r = await verify(...args);
        expect(r.code).toBe(1);
        expect(r.summary.extra).toEqual(['d2/stray.txt']);
        expect(r.summary.missing).toEqual([]);
        expect(r.err).toMatch(/only at the destination \(not in the source\): d2\/stray\.txt/);
        expect(r.err).not.toMatch(/ignored\.skip/);
      } finally {
        rmSync(join(dst, 'd2/stray.txt'));
        rmSync(join(dst, 'ignored.skip'));
      }
    },
  );

  it('a truncated destination file outside the sample is still found (sizes compared both ways)', async () => {
    const victim = join(dst, 'd0/f30.txt');
    const content = readFileSync(victim);
    writeFileSync(victim, content.subarray(0, 10));
    try {
      const r = await verify('--verify', 'files=1', '--verify', 'age=1s');
      expect(r.code).toBe(1);
      expect(r.summary.differ).toEqual(['d0/f30.txt']);
    } finally {
      writeFileSync(victim, content);
    }
  });
});

describe('verify when rclone cannot compare at all', () => {
  const dir = tempDir('rb-verify-fail-');
  afterAll(() => cleanup(dir));
  it.each([[['--verify', 'all']], [['--verify', 'files=1']]])('%j: an unknown destination remote → exit 1, said, never "0 failed"', async (args) => {
    const src = join(dir, 'src');
    writeTree(src, { 'a.txt': 'a' });
    const conf = writeConfig(dir, 'nowhere', `[default]\nsource = ${src}\ndestination = no-such-remote:backup\narchive_specials = no\n`);
    const r = await run([conf, '--json', '--lock-dir', dir, ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/rclone check failed \(exit status 1\).*didn't find section in config file/);
    expect(r.err).not.toMatch(/; 0 failed/);
    const summary = JSON.parse(r.out) as { failed: number; problems: string[] };
    expect(summary.failed).toBeGreaterThanOrEqual(1);
    expect(summary.problems[0]).toMatch(/^rclone check failed \(exit status 1\): Failed to create file system/);
  });
  it('a source rclone cannot list → exit 1, said, while the size check running alongside the listing is waited for', async () => {
    const dst = join(dir, 'dst-of-gone');
    writeTree(dst, { 'a.txt': 'a' });
    const conf = writeConfig(dir, 'gone', `[default]\nsource = ${join(dir, 'no-such-source')}\ndestination = ${dst}\narchive_specials = no\n`);
    // The real rclone, recording when each run starts and ends.
    const log = join(dir, 'runs.log');
    const wrapper = join(dir, 'rclone-recording.sh');
    writeFileSync(wrapper, `#!/bin/sh\nfor a in "$@"; do case $a in -*) ;; *) cmd=$a; break;; esac; done\necho "start $cmd" >> ${log}\nrclone "$@"\nstatus=$?\necho "end $cmd" >> ${log}\nexit $status\n`, { mode: 0o755 });
    const r = await run([conf, '--lock-dir', dir, '--verify', 'files=1'], { RCLONE: wrapper });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/rclone lsjson failed \(exit status 3\)/);
    expect(r.err).not.toMatch(/; 0 failed/);
    // Both rclone runs (the listing and the size check) had ended when verify returned.
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['end check', 'end lsjson', 'start check', 'start lsjson']);
  });
});
