// What a restore does to TARGET, checked on disk against real rclone uploads in the
// emulator: files already there that differ are replaced with a notice and a count, every
// item is counted once (--all's deletion marks too), and a refused remote, a wrong password
// or a PATH that matches nothing leave no TARGET behind.
import { lstat, readdir, readFile, readlink, rm, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { DAY, startHarness, writeRcloneTestConfig, type Harness } from 'b2-emulator/test-helpers';
import type { RestoreSummary } from '../src/report.js';

const T0 = Date.UTC(2024, 0, 1);
let h: Harness;

type Summary = Omit<RestoreSummary, 'dryRun' | 'bytes' | 'undecryptable'>;

/** An independent count of what is on disk: regular files, and symlinks to /dev/null (deletion marks). */
async function onDisk(root: string, dir = root): Promise<{ files: number; marks: number }> {
  const count = { files: 0, marks: 0 };
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = await onDisk(root, full);
      count.files += sub.files;
      count.marks += sub.marks;
    } else if (e.isSymbolicLink() && (await readlink(full)) === '/dev/null') count.marks += 1;
    else if (e.isFile()) count.files += 1;
  }
  return count;
}

const exists = (path: string): Promise<boolean> => lstat(path).then(() => true, () => false);

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  const source = await h.writeTree('src', { 'a.txt': 'a1', 'b.txt': 'b1', 'sub/c.txt': 'c1' });
  await h.rclone(['sync', source, 'secret:t']);
  h.emulator.clock.advance(DAY);
  await rm(join(source, 'b.txt'));
  await h.rclone(['sync', source, 'secret:t']);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('files already in TARGET', () => {
  it('a different file is replaced, named on stderr at default verbosity and counted; one with the backup\'s size and mtime is left', async () => {
    const target = join(h.dir, 'over');
    await mkdir(join(target, 'sub'), { recursive: true });
    await writeFile(join(target, 'a.txt'), 'precious local data that is not in the backup');
    const first = await h.run(main, ['--as-of', '0s', 'secret:t', join(h.dir, 'clean')]);
    expect(first.code).toBe(0);
    // sub/c.txt as a finished earlier restore left it: same size and mtime
    await writeFile(join(target, 'sub/c.txt'), await readFile(join(h.dir, 'clean/sub/c.txt')));
    const { mtime } = await stat(join(h.dir, 'clean/sub/c.txt'));
    await utimes(join(target, 'sub/c.txt'), mtime, mtime);
    const result = await h.run(main, ['--as-of', '0s', 'secret:t', target]);
    expect(result.code).toBe(0);
    const notices = result.err.split('\n').filter((l) => l.includes('replaced '));
    expect(notices).toEqual([`encrypted-restore: replaced ${join(target, 'a.txt')} (it differed from the backup)`]);
    expect(result.err).toMatch(/restored 1 files \(2 B, 1 replaced\), 1 already complete/);
    expect(await readFile(join(target, 'a.txt'), 'utf8')).toBe('a1');
    const json = await h.run(main, ['--as-of', '0s', '--json', 'secret:t', join(h.dir, 'over-json')]);
    expect((JSON.parse(json.out) as { summary: Summary }).summary).toMatchObject({ restored: 2, replaced: 0, skipped: 0 });
    await writeFile(join(h.dir, 'over-json', 'sub/c.txt'), 'changed');
    const again = await h.run(main, ['--as-of', '0s', '--json', 'secret:t', join(h.dir, 'over-json')]);
    expect((JSON.parse(again.out) as { summary: Summary }).summary).toMatchObject({ restored: 1, replaced: 1, skipped: 1 });
    expect(again.err).toContain(`replaced ${join(h.dir, 'over-json', 'sub/c.txt')} (it differed from the backup)`);
  });

  it('-q keeps the notice out, as it keeps every notice out', async () => {
    const target = join(h.dir, 'quiet');
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'a.txt'), 'other');
    const result = await h.run(main, ['-q', '--as-of', '0s', 'secret:t', target]);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
  });
});

describe('--all counts every item once', () => {
  it('files written, deletion marks and already complete agree with what is on disk, on the first run and a re-run', async () => {
    const target = join(h.dir, 'all');
    const first = await h.run(main, ['--all', '--json', 'secret:t', target]);
    expect(first.code).toBe(0);
    const disk = await onDisk(target);
    // 3 uploads and 1 hide marker in the bucket
    expect(disk).toEqual({ files: 3, marks: 1 });
    const s1 = (JSON.parse(first.out) as { summary: Summary }).summary;
    expect(s1).toMatchObject({ files: disk.files, deletions: disk.marks, restored: disk.files, marked: disk.marks, skipped: 0, replaced: 0, failed: 0 });
    const text = await h.run(main, ['--all', 'secret:t', join(h.dir, 'all-text')]);
    expect(text.err).toMatch(new RegExp(`restored ${disk.files} files and ${disk.marks} deletion marks \\(\\d+ B\\), 0 already complete`));
    const again = await h.run(main, ['--all', 'secret:t', target]);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(new RegExp(`restored 0 files and 0 deletion marks \\(0 B\\), ${disk.files + disk.marks} already complete`));
    const json = await h.run(main, ['--all', '--json', 'secret:t', target]);
    const s2 = (JSON.parse(json.out) as { summary: Summary }).summary;
    expect(s2).toMatchObject({ files: disk.files, deletions: disk.marks, restored: 0, marked: 0, skipped: disk.files + disk.marks });
    expect(s2.restored + s2.marked + s2.skipped + s2.failed).toBe(s2.files + s2.deletions);
    expect(await onDisk(target)).toEqual(disk);
  });
});

describe('nothing is created on a usage or configuration error', () => {
  it.each([
    ['an unknown remote', ['--as-of', '0s', 'nosuch:'], 2, /remote "nosuch" not found/],
    ['a b2 remote that is not crypt', ['--as-of', '0s', 'b2emu:bucket'], 2, /of type b2, not crypt/],
    ['a PATH that matched nothing', ['--as-of', '0s', 'secret:no/such/dir'], 1, /nothing to restore/],
    ['--all over a PATH that matched nothing', ['--all', 'secret:no/such/dir'], 1, /nothing to restore/],
  ])('%s', async (label, argv, code, message) => {
    const target = join(h.dir, 'not-created', label.replace(/\W+/g, '-'), 'deeper');
    const result = await h.run(main, [...argv, target]);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
    expect(await exists(join(h.dir, 'not-created', label.replace(/\W+/g, '-')))).toBe(false);
  });

  it('a wrong crypt password', async () => {
    const wrong = await writeRcloneTestConfig({ emulator: h.emulator, dir: join(h.dir, 'wrong-conf'), bucket: 'bucket', password: 'not the password' });
    const target = join(h.dir, 'wrong-target');
    const result = await h.run(main, ['--rclone-config', wrong.configPath, '--as-of', '0s', 'secret:', target]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/wrong crypt password/);
    expect(await exists(target)).toBe(false);
  });
});
