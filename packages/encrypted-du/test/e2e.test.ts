import { readFile, writeFile, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { TOOLSET_VERSION } from '@rclone-b2/core';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';

const T0 = Date.UTC(2024, 0, 1);
let h: Harness;
let source: string;
const sorted = (text: string) => text.split('\n').filter(Boolean).sort();

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  source = await h.writeTree('src', {
    'docs/a file.txt': 'first version of a',
    'ünï/cödé – ✓.txt': 'unicode',
    '-leading dash.txt': 'dash',
    'big/blob.bin': 'x'.repeat(200_000),
    'gone.txt': 'will be deleted',
  });
  await h.rclone(['sync', source, 'secret:']);
  h.emulator.clock.advance(10 * DAY);
  await writeFile(join(source, 'docs/a file.txt'), 'second, longer version of a');
  await writeFile(join(source, 'big/blob.bin'), 'y'.repeat(70_000));
  await rm(join(source, 'gone.txt'));
  await h.rclone(['sync', source, 'secret:']);
  h.emulator.clock.advance(10 * DAY);
  await writeFile(join(source, 'docs/a file.txt'), 'third');
  await utimes(join(source, 'docs/a file.txt'), (T0 + 20 * DAY) / 1000, (T0 + 20 * DAY) / 1000);
  await h.rclone(['sync', source, 'secret:']);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('encrypted-du against real rclone uploads', () => {
  it('the undeleted inventory equals `rclone ls` of the crypt remote (plaintext sizes, odd names)', async () => {
    const result = await h.run(main, ['--ls', '--no-all-output', '--undeleted-output', '-', 'secret:']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(sorted(result.out)).toEqual(sorted(await h.rclone(['ls', 'secret:'])));
    expect(result.out).toContain('        7 ünï/cödé – ✓.txt\n');
    expect(result.out).toContain('        4 -leading dash.txt\n');
  });

  it('all = undeleted + deleted, old versions named with their upload time', async () => {
    const files = { all: join(h.dir, 'all.txt'), undeleted: join(h.dir, 'now.txt'), deleted: join(h.dir, 'old.txt') };
    const result = await h.run(main, ['--ls', '--all-output', files.all, '--undeleted-output', files.undeleted, '--deleted-output', files.deleted]);
    expect(result.code).toBe(0);
    const [all, now, old] = await Promise.all([files.all, files.undeleted, files.deleted].map((f) => readFile(f, 'utf8')));
    expect(sorted(all!)).toEqual([...sorted(now!), ...sorted(old!)].sort());
    const oldLines = sorted(old!).map((l) => l.trim().replace(/-v\d{4}-\d\d-\d\d-\d{6}-\d{3}/, '-vTIME'));
    expect(oldLines.sort()).toEqual(
      ['18 docs/a file-vTIME.txt', '27 docs/a file-vTIME.txt', '200000 big/blob-vTIME.bin', '15 gone-vTIME.txt'].sort(),
    );
    expect(old).toMatch(/gone-v2024-01-01-\d{6}-\d{3}\.txt\n/);
    expect(old).toMatch(/docs\/a file-v2024-01-11-\d{6}-\d{3}\.txt\n/);
  });

  it('the all inventory lists the names and sizes `rclone ls --b2-versions` shows', async () => {
    const result = await h.run(main, ['--ls', 'secret:']);
    expect(result.code).toBe(0);
    expect(sorted(result.out)).toEqual(sorted(await h.rclone(['ls', '--b2-versions', 'secret:'])));
  });

  it('summarises in-process with the du tree by default', async () => {
    const result = await h.run(main, ['--undeleted-output', '-', '--no-all-output', 'secret:docs']);
    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toContain('5\tdocs/a file.txt');
    const human = await h.run(main, ['-h', '--depth', '1']);
    expect(human.out).toMatch(/^264K\t/m); // 70,016 current + 200,060 old bytes
  });

  it('--ncdu writes an ncdu JSON export', async () => {
    const result = await h.run(main, ['--ncdu', '--no-all-output', '--undeleted-output', '-']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out) as unknown[];
    expect(parsed[0]).toBe(1);
    expect(parsed[2]).toMatchObject({ progname: 'encrypted-du', progver: TOOLSET_VERSION });
    expect(JSON.stringify(parsed)).toContain('"name":"cödé – ✓.txt"');
  });

  it('--progress reports on stderr only, stdout unchanged', async () => {
    const quiet = await h.run(main, ['--ls']);
    const loud = await h.run(main, ['--ls', '--progress']);
    expect(loud.out).toBe(quiet.out);
    expect(loud.err).toMatch(/^encrypted-du: \d+ versions, 5 files \(/m);
  });

  it('--start-at/--stop-after cover the bucket in encrypted-name order, in pieces', async () => {
    const all = await h.run(main, ['--ls']);
    const order = (await h.run(main, ['--ls', '--undeleted-output', '-', '--no-all-output'])).out; // B2 order of live files
    const paths = order.split('\n').filter(Boolean).map((l) => l.trim().replace(/^\d+ /, ''));
    expect(paths).toHaveLength(4);
    const first = await h.run(main, ['--ls', '--stop-after', paths[1]!]);
    const rest = await h.run(main, ['--ls', '--start-at', paths[2]!]);
    expect(first.code + rest.code).toBe(0);
    expect(sorted(first.out + rest.out)).toEqual(sorted(all.out));
    expect(sorted(first.out).length).toBeGreaterThan(0);
    expect(sorted(rest.out).length).toBeGreaterThan(0);
  });

  it('--stop-at X then --start-at X cover the bucket with no gap and no overlap; --stop-after still works but warns', async () => {
    const all = await h.run(main, ['--ls']);
    const order = (await h.run(main, ['--ls', '--undeleted-output', '-', '--no-all-output'])).out;
    const paths = order.split('\n').filter(Boolean).map((l) => l.trim().replace(/^\d+ /, ''));
    const first = await h.run(main, ['--ls', '--stop-at', paths[2]!]);
    const rest = await h.run(main, ['--ls', '--start-at', paths[2]!]);
    expect(first.code + rest.code).toBe(0);
    expect(first.err).toBe('');
    expect(first.out).not.toContain(paths[2]!);
    expect(sorted(first.out + rest.out)).toEqual(sorted(all.out));
    const old = await h.run(main, ['--ls', '--stop-after', paths[1]!]);
    expect(old.out).toBe(first.out);
    expect(old.err).toMatch(/--stop-after is deprecated: use --stop-at/);
    expect((await h.run(main, ['--ls', '-q', '--stop-after', paths[1]!])).err).toBe('');
  });

  it.each([['--ls'], []])('gives the same answer whatever the listing page size (%j)', async (...mode) => {
    const whole = await h.run(main, [...mode, '--list-chunk', '10000']);
    const paged = await h.run(main, [...mode, '--list-chunk', '2']);
    expect(whole.code + paged.code).toBe(0);
    expect(paged.out).toBe(whole.out);
    expect(whole.out.length).toBeGreaterThan(0);
  });

  it('a PATH that matches nothing is an error (exit 1), worded as encrypted-cleanup words it', async () => {
    for (const mode of [['--ls'], [], ['--json']]) {
      const result = await h.run(main, [...mode, 'secret:no/such/path']);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^[a-z-]+: no\/such\/path: no such file or directory in secret:\n/);
    }
    expect((await h.run(main, ['--ls', 'secret:docs'])).code).toBe(0);
  });

  it('gives the same answer under injected faults (429, 503, expired token, latency)', async () => {
    const clean = await h.run(main, ['--ls']);
    h.emulator.setFaults({
      seed: 7,
      rules: [
        { kind: '429', every: 3, retryAfter: 0, calls: ['b2_list_file_versions'] },
        { kind: '503', every: 4, calls: ['b2_list_file_versions'] },
        { kind: 'expired', every: 5 },
        { kind: 'latency', ms: 20, probability: 0.5 },
      ],
    });
    try {
      const faulty = await h.run(main, ['--ls']);
      expect(faulty.code).toBe(0);
      expect(sorted(faulty.out)).toEqual(sorted(clean.out));
    } finally {
      h.emulator.setFaults();
    }
  });
});

describe('encrypted-du usage errors', () => {
  it.each([
    [['--undeleted-output', '-', '--deleted-output', '-'], /only one inventory can go to stdout/],
    [['--all-output', '-', '--deleted-output', '-'], /only one inventory can go to stdout/],
    [['--no-all-output'], /no inventory to write/],
    [['--ls', '--ncdu'], /alternatives/],
    [['a:', 'b:'], /at most one/],
    [['--bogus'], /unknown option --bogus/],
    [['--top', 'abc'], /invalid value "abc" for --top/],
    [['-d', '0'], /invalid value "0" for -d/],
    [['--json', '--ncdu'], /alternatives/],
    [['--stop-at', 'a', '--stop-after', 'b'], /not both/],
    [['--list-chunk', '0'], /--list-chunk/],
    [['--list-chunk', '10001'], /--list-chunk/],
  ])('%j → exit 2', async (argv, message) => {
    const result = await h.run(main, argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.out).toBe('');
  });
});
