import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { DAY, servedSince, startHarness, type Harness } from 'b2-emulator/test-helpers';

let h: Harness;
const lines = (text: string) => text.split('\n').filter(Boolean).sort();
/** What rclone shows with --b2-versions: names with version suffixes for old versions. */
const versions = async (path = '') => lines(await h.rclone(['lsf', '-R', '--files-only', '--b2-versions', `secret:${path}`]));

beforeEach(async () => {
  h = await startHarness();
  const source = await h.writeTree('src', {
    'big/movie.mkv': 'm1',
    'big/sub/disk.iso': 'd1',
    'keep/a.txt': 'a1',
    'gone.txt': 'g1',
  });
  await h.rclone(['sync', source, 'secret:']);
  h.emulator.clock.advance(DAY);
  await writeFile(join(source, 'big/movie.mkv'), 'm2 longer');
  await writeFile(join(source, 'keep/a.txt'), 'a2 longer');
  await rm(join(source, 'big/sub/disk.iso'));
  await rm(join(source, 'gone.txt'));
  await h.rclone(['sync', source, 'secret:']);
}, 60_000);

afterEach(async () => {
  await h?.close();
});

describe('encrypted-cleanup with real rclone data', () => {
  it('removes old and hidden versions of a directory and a file, leaves the rest', async () => {
    const result = await h.run(main, ['-v', 'secret', 'big', 'gone.txt']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/deleted 5 versions/);
    const left = await versions();
    expect(left).toHaveLength(3);
    expect(left[0]).toBe('big/movie.mkv');
    expect(left[1]).toMatch(/^keep\/a-v2024-01-01-\d{6}-\d{3}\.txt$/);
    expect(left[2]).toBe('keep/a.txt');
    expect(lines(await h.rclone(['ls', 'secret:']))).toEqual(['        9 big/movie.mkv', '        9 keep/a.txt']);
  });

  it('--json -v: the summary b2 calls and classes are the calls the emulator served; -v prints the usage line', async () => {
    const before = new Map(h.emulator.stats);
    const result = await h.run(main, ['--json', '-v', 'secret', 'big', 'gone.txt']);
    expect(result.code).toBe(0);
    const served = servedSince(h.emulator.stats, before);
    const doc = JSON.parse(result.out) as { summary: { deleted: number; b2: { transactions: Record<string, number>; calls: Record<string, number>; bytesUp: number; bytesDown: number } } };
    expect(doc.summary.deleted).toBe(5);
    expect(served.calls['b2_delete_file_version']).toBe(5);
    expect(doc.summary.b2.calls).toEqual(served.calls);
    expect(doc.summary.b2.transactions).toEqual(served.transactions);
    expect(doc.summary.b2).toMatchObject({ bytesUp: 0, bytesDown: 0 });
    const t = served.transactions;
    expect(result.err).toContain(`B2 transactions: class A ${t.A}, class B ${t.B}, class C ${t.C}; 0 B up, 0 B down`);
    const quiet = await h.run(main, ['-n', 'secret', 'keep']);
    expect(quiet.err).not.toMatch(/ up, .* down/);
  });

  it('--purge removes current versions too', async () => {
    const result = await h.run(main, ['--purge', 'secret', 'big/']);
    expect(result.code).toBe(0);
    expect((await versions()).filter((n) => n.startsWith('big/'))).toEqual([]);
  });

  it('CRYPT-REMOTE:PATH names the path; further PATHs are relative to it', async () => {
    const dry = await h.run(main, ['-n', 'secret:big', 'sub']);
    expect(dry.code).toBe(0);
    expect(lines(dry.out)).toHaveLength(2); // disk.iso's upload and hide marker only
    expect(dry.out).toMatch(/would delete big\/sub\/disk\.iso/);
    const result = await h.run(main, ['--purge', 'secret:big']);
    expect(result.code).toBe(0);
    expect((await versions()).filter((n) => n.startsWith('big/'))).toEqual([]);
    expect((await versions()).filter((n) => n.startsWith('keep/'))).toHaveLength(2);
  });

  it('--dry-run lists the plan and deletes nothing', async () => {
    const before = await versions();
    const result = await h.run(main, ['-n', 'secret', 'big']);
    expect(result.code).toBe(0);
    expect(lines(result.out)).toHaveLength(3); // movie's old version, disk.iso's upload and hide marker
    expect(result.out).toMatch(/would delete big\/sub\/disk\.iso \(hide of/);
    expect(await versions()).toEqual(before);
    expect(h.emulator.stats.get('b2_delete_file_version') ?? 0).toBe(0);
  });

  it('reports paths that match nothing and exits 1, still cleaning the others', async () => {
    const result = await h.run(main, ['--json', 'secret', 'no/such', 'gone.txt']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no\/such: no such file or directory/);
    expect((JSON.parse(result.out) as { summary: { unmatched: string[] } }).summary.unmatched).toEqual(['no/such']);
    expect((await versions()).filter((n) => n.startsWith('gone'))).toEqual([]);
  });

  it('under injected faults the result is the same', async () => {
    h.emulator.setFaults({ seed: 3, rules: [{ kind: '503', every: 3, calls: ['b2_delete_file_version'] }, { kind: 'expired', every: 5 }, { kind: '429', every: 4, retryAfter: 0 }, { kind: 'latency', ms: 10 }] });
    const result = await h.run(main, ['secret', 'big', 'gone.txt']);
    h.emulator.setFaults();
    expect(result.code).toBe(0);
    expect(lines(await h.rclone(['ls', 'secret:']))).toEqual(['        9 big/movie.mkv', '        9 keep/a.txt']);
    expect((await versions()).filter((n) => n.startsWith('big') || n.startsWith('gone'))).toEqual(['big/movie.mkv']);
  });

  it('a run killed halfway never re-exposes a deleted file, and a re-run finishes the job', async () => {
    // more history: deleted files with several old versions each
    const extra = await h.writeTree('extra', Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`old/f${i}.bin`, `v1 ${i}`])));
    await h.rclone(['copy', extra, 'secret:big']);
    for (let round = 2; round <= 3; round += 1) {
      h.emulator.clock.advance(DAY);
      for (let i = 0; i < 6; i += 1) await writeFile(join(extra, `old/f${i}.bin`), `v${round} ${i} ${'x'.repeat(round)}`);
      await h.rclone(['copy', extra, 'secret:big']);
    }
    await h.rclone(['delete', 'secret:big/old']);
    const visible = lines(await h.rclone(['ls', 'secret:']));
    h.emulator.setFaults([{ kind: 'latency', ms: 150, calls: ['b2_delete_file_version'] }]);
    const bin = fileURLToPath(new URL('../bin/encrypted-cleanup.js', import.meta.url));
    try {
      const child = execa('node', [bin, '--transfers', '2', '--config', h.config.configPath, 'secret', 'big'], { reject: false });
      for (let i = 0; i < 1200 && (h.emulator.stats.get('b2_delete_file_version') ?? 0) < 5; i += 1) await new Promise((r) => setTimeout(r, 25));
      child.kill('SIGKILL');
      await child;
    } finally {
      h.emulator.setFaults();
    }
    const deletedSoFar = h.emulator.stats.get('b2_delete_file_version') ?? 0;
    expect(deletedSoFar).toBeGreaterThanOrEqual(5);
    expect(lines(await h.rclone(['ls', 'secret:']))).toEqual(visible);
    const rerun = await h.run(main, ['secret', 'big']);
    expect(rerun.code).toBe(0);
    expect(lines(await h.rclone(['ls', 'secret:']))).toEqual(visible);
    expect((await versions('big')).sort()).toEqual(['movie.mkv']);
  });

  it.each([
    [['secret'], 2, /at least one PATH/],
    [['nosuch', 'x'], 2, /remote "nosuch" not found/],
    [['secret', '/'], 2, /whole remote/],
    [['secret:'], 2, /at least one PATH/],
    [['secret', 'x', '--transfers', '0'], 2, /invalid value "0" for --transfers/],
  ])('%j → exit %d', async (argv, code, message) => {
    const result = await h.run(main, argv);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
  });
});
