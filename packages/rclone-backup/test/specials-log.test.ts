import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIALS_ARCHIVE } from '../src/rclone-args.js';
import { archiveMtimeMs, findSpecialFiles, readArchiveMembers, writeSpecialsArchive } from '../src/specials.js';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
afterAll(() => cleanup(...dirs));
beforeAll(async () => {
  expect((await run(['--version'])).code).toBe(0);
});

const OLD = Date.parse('2022-03-01T08:00:00Z') / 1000;
const fifo = (path: string): void => {
  execFileSync('mkfifo', [path]);
  utimesSync(path, OLD, OLD);
};
describe('archive_specials from the sync\'s own listing', () => {
  it.each([
    ['default mode (a dry run plans first)', ''],
    ['max_delete = off with -q (one plain rclone sync)', 'max_delete = off\n'],
  ])('%s: the archive holds exactly what rclone names, as the walk orders it, byte for byte', async (_mode, extra) => {
    const dir = tempDir('rb-specials-log-');
    dirs.push(dir);
    const src = join(dir, 'src');
    const dst = join(dir, 'dst');
    writeTree(src, { 'a.txt': 'alpha', 'keep/b.txt': 'bravo', 'keep/sub/c.txt': 'charlie', 'scratch/d.txt': 'delta', 'z/e.txt': 'echo' });
    for (const path of ['root-pipe', 'keep/p1', 'keep/sub/p2', 'z/p3', 'scratch/p4', 'keep/p5.tmp']) fifo(join(src, path));
    // A socket (not a special file here), links (stored as links, never followed).
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', join(src, 'keep/sock')]);
    symlinkSync('keep', join(src, 'link-to-dir'));
    symlinkSync('nowhere', join(src, 'dangling'));
    if (isRoot) {
      mkdirSync(join(src, 'dev'));
      execFileSync('mknod', [join(src, 'dev/null-c'), 'c', '1', '3']);
      execFileSync('mknod', [join(src, 'dev/loop-b'), 'b', '7', '0']);
      for (const d of ['dev/null-c', 'dev/loop-b']) utimesSync(join(src, d), OLD, OLD);
    }
    const conf = writeConfig(dir, 'specials', `[default]\nsource = ${src}\ndestination = ${dst}\n${extra}[filters]\n- /scratch/**\n- *.tmp\n`);
    const args = [conf, '--json', '--lock-dir', dir, ...(extra ? ['-q'] : [])];
    const archive = join(dst, SPECIALS_ARCHIVE);
    const members = async (): Promise<string[] | undefined> => (await readArchiveMembers(archive))?.map((m) => m.path);
    // What the walk finds, less what is in excluded directories: what rclone 1.60.1 names
    // (through the union its name rules, such as - *.tmp, do not hide special files), in the walk's order.
    const walked = await findSpecialFiles(src);
    const expected = walked.filter((m) => !m.path.startsWith('scratch/'));
    expect(expected.map((m) => m.path)).toEqual([
      'root-pipe',
      ...(isRoot ? ['dev/loop-b', 'dev/null-c'] : []),
      'keep/p1',
      'keep/p5.tmp',
      'keep/sub/p2',
      'z/p3',
    ]);

    const first = await run(args);
    expect(first.code).toBe(0);
    expect(await members()).toEqual(expected.map((m) => m.path));
    // Byte for byte the archive a walk of the same set makes.
    const reference = mkdtempSync(join(dir, 'reference-'));
    await writeSpecialsArchive(reference, expected, Date.now());
    expect(readFileSync(archive)).toEqual(readFileSync(join(reference, SPECIALS_ARCHIVE)));
    expect(Math.floor(statSync(archive).mtimeMs / 1000)).toBe(OLD - 1);

    // Unchanged (the set now comes from the cache and rclone's log): not uploaded again.
    const bytes = readFileSync(archive);
    const again = await run(args);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ specials: 'archived', files: { transferred: 0 } });
    expect(readFileSync(archive)).toEqual(bytes);

    // A new special file where rclone looks is archived, one gone leaves, one in an excluded directory is not taken.
    fifo(join(src, 'z/new-pipe'));
    fifo(join(src, 'scratch/p6'));
    rmSync(join(src, 'z/p3'));
    const third = await run(args);
    expect(third.code).toBe(0);
    expect(JSON.parse(third.out)).toMatchObject({ specials: 'archived', files: { transferred: 1 } });
    expect(await members()).toEqual([...expected.map((m) => m.path).filter((p) => p !== 'z/p3'), 'z/new-pipe']);

    // A FIFO renamed to a name of the same length: same size, same newest mtime, yet a different archive, uploaded.
    execFileSync('mv', [join(src, 'keep/p1'), join(src, 'keep/q1')]);
    const renamed = await run(args);
    expect(JSON.parse(renamed.out)).toMatchObject({ specials: 'archived', files: { transferred: 1 } });
    expect(await members()).toContain('keep/q1');

    // No special file left: the archive leaves the destination.
    for (const m of [...expected.filter((e) => e.path !== 'z/p3' && e.path !== 'keep/p1'), { path: 'z/new-pipe' }, { path: 'keep/q1' }]) rmSync(join(src, m.path));
    const last = await run([conf, '--json', '--lock-dir', dir, '--force']);
    expect(JSON.parse(last.out)).toMatchObject({ specials: 'none' });
    expect(readdirSync(dst)).not.toContain(SPECIALS_ARCHIVE);
  });

  it('special files whose names rclone shows encoded (control characters, the ‛ quote, a lookalike ␁) are archived under their own names', async () => {
    const dir = tempDir('rb-specials-encoded-');
    dirs.push(dir);
    const src = join(dir, 'src');
    const dst = join(dir, 'dst');
    writeTree(src, { 'a.txt': 'alpha', 'd/b.txt': 'bravo' });
    const odd = ['ctl\u0001pipe', 'tab\tpipe', 'd/quote\u201bpipe', 'd/lookalike\u2401pipe', 'plain-pipe'];
    for (const name of odd) fifo(join(src, name));
    const conf = writeConfig(dir, 'encoded', `[default]\nsource = ${src}\ndestination = ${dst}\n`);
    const args = [conf, '--json', '--lock-dir', dir];
    const expected = (await findSpecialFiles(src)).map((m) => m.path);
    expect([...expected].sort()).toEqual([...odd].sort());
    for (const attempt of ['walk (no cache)', "rclone's log (cached)"]) {
      const result = await run(args);
      expect(result.code, attempt).toBe(0);
      expect(result.err, attempt).not.toMatch(/not archived|rclone names it/);
      expect((await readArchiveMembers(join(dst, SPECIALS_ARCHIVE)))?.map((m) => m.path), attempt).toEqual(expected);
    }
    // A new one appears: found through the log, by its name on disk.
    fifo(join(src, 'd/new\u0002pipe'));
    const third = await run(args);
    expect(third.code).toBe(0);
    expect(third.err).not.toMatch(/not archived/);
    expect((await readArchiveMembers(join(dst, SPECIALS_ARCHIVE)))?.map((m) => m.path)).toContain('d/new\u0002pipe');
  });

  // rclone reads a `‛` that quotes nothing as itself: it logs a FIFO `p‛‛‛x` as `p‛‛‛‛x`,
  // `q‛x／y` as `q‛‛x／y`, and both `both‛x` and `both‛‛x` as `both‛‛x` (rclone 1.60.1):
  // neither the name rclone would write nor the plain decoding is the file on disk.
  it('special files whose ‛ quotes nothing are found from the names rclone logs and archived under their own names', async () => {
    const dir = tempDir('rb-specials-quote-');
    dirs.push(dir);
    const src = join(dir, 'src');
    const dst = join(dir, 'dst');
    writeTree(src, { 'a.txt': 'alpha', 'd/b.txt': 'bravo' });
    const odd = ['p\u201b\u201b\u201bx', 'q\u201bx\uff0fy', 'n\u201ba\u2400', 'd/a\u201bb', 'd/both\u201bx', 'd/both\u201b\u201bx', 'end\u201b'];
    for (const name of odd) fifo(join(src, name));
    const conf = writeConfig(dir, 'quotes', `[default]\nsource = ${src}\ndestination = ${dst}\n`);
    const expected = (await findSpecialFiles(src)).map((m) => m.path);
    expect([...expected].sort()).toEqual([...odd].sort());
    for (const attempt of ['walk (no cache)', "rclone's log (cached)"]) {
      const result = await run([conf, '--json', '--lock-dir', dir]);
      expect(result.code, attempt).toBe(0);
      expect(result.err, attempt).not.toMatch(/not archived|rclone names it|changed/);
      expect((await readArchiveMembers(join(dst, SPECIALS_ARCHIVE)))?.map((m) => m.path), attempt).toEqual(expected);
    }
  });

  it('an archive of a special file made this second gets the same mtime on every later run (not the run\'s time)', () => {
    // The FIFO made at the start of a second, the run 1 ms later.
    const made = Date.UTC(2026, 0, 1, 12, 0, 0);
    const now = made + 1;
    const members = [{ path: 'p', type: 'fifo' as const, mode: 0o644, uid: 0, gid: 0, mtimeMs: made, devmajor: 0, devminor: 0 }];
    const bytes = Buffer.from('archive bytes');
    const first = archiveMtimeMs(members, bytes, now);
    expect(Math.floor(first / 1000)).toBe(made / 1000 - 1);
    expect(first).toBeLessThan(made);
    for (const later of [now + 1, now + 999, now + 5_000, now + 86_400_000]) expect(archiveMtimeMs(members, bytes, later)).toBe(first);
    // A member dated in the future counts as now.
    expect(archiveMtimeMs([{ ...members[0]!, mtimeMs: now + 3_600_000 }], bytes, now)).toBeLessThan(now);
  });

  it('a --links name conflict that appears after a clean run is still refused before anything changes (exit 3)', async () => {
    const dir = tempDir('rb-specials-links-');
    dirs.push(dir);
    const src = join(dir, 'src');
    const dst = join(dir, 'dst');
    writeTree(src, { 'a.txt': 'alpha', 'd/b.txt': 'bravo' });
    fifo(join(src, 'pipe'));
    const conf = writeConfig(dir, 'links', `[default]\nsource = ${src}\ndestination = ${dst}\n`);
    const args = [conf, '--lock-dir', dir];
    expect((await run(args)).code).toBe(0);
    // A symlink X and a directory X.rclonelink beside it, both new.
    symlinkSync('d', join(src, 'y'));
    writeTree(src, { 'y.rclonelink/inner.txt': 'inner' });
    const refused = await run(args);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/cannot back up[\s\S]*y\.rclonelink/);
    expect(readdirSync(dst).sort()).toEqual([SPECIALS_ARCHIVE, 'a.txt', 'd']);
    rmSync(join(src, 'y.rclonelink'), { recursive: true });
    // A lone file named *.rclonelink.
    writeTree(src, { 'notes.rclonelink': 'not a link' });
    const again = await run(args);
    expect(again.code).toBe(3);
    expect(again.err).toMatch(/notes\.rclonelink/);
    expect(readdirSync(dst).sort()).toEqual([SPECIALS_ARCHIVE, 'a.txt', 'd']);
  });
});
