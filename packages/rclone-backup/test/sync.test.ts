import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, PASSWORD, readTree, run, SALT, tempDir, writeConfig, writeCryptConf, writeTree } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

function setup(extra = '', filters = '- *.tmp\n+ /keep/**\n- /scratch/**\n') {
  const dir = tempDir('rb-sync-');
  dirs.push(dir);
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  mkdirSync(src);
  writeTree(src, {
    'a.txt': 'alpha',
    'b.tmp': 'temporary',
    'keep/x.tmp': 'kept despite *.tmp? no: - *.tmp comes first',
    'keep/y.dat': 'kept',
    'scratch/z.dat': 'scratch',
    'notes.txt~': 'editor backup',
    'dir/.#lock': 'emacs lock',
    'dir/real.txt': 'real',
  });
  const conf = writeConfig(dir, 'photos', `[default]\nsource = ${src}\ndestination = ${dst}\n${extra}\n[filters]\n${filters}`);
  return { dir, src, dst, conf, lockDir: ['--lock-dir', dir] };
}

describe('sync into a local directory', () => {
  it("a failing sync shows each of rclone's error lines once, not again in the failure message", async () => {
    const t = setup();
    // a destination below a regular file: every copy fails with ENOTDIR
    writeFileSync(join(t.dir, 'plain-file'), 'x');
    writeConfig(t.dir, 'photos', `[default]\nsource = ${t.src}\ndestination = ${join(t.dir, 'plain-file', 'dst')}\n`);
    const result = await run([t.conf, ...t.lockDir]);
    expect(result.code).toBe(1);
    const lines = result.err.split('\n').filter(Boolean);
    const errors = lines.filter((l) => /ERROR : /.test(l));
    expect(errors.length).toBeGreaterThan(0);
    // the same rclone line, shown live, must not come back indented under the failure
    for (const line of errors) expect(lines).not.toContain(`  ${line}`);
    expect(result.err).toMatch(/rclone-backup: rclone sync failed \(exit status \d+\)/);
  });

  it('--json: a run that fails still prints its one JSON line: the error, or verify\'s summary with nothing checked', async () => {
    const t = setup();
    writeConfig(t.dir, 'photos', `[default]\nsource = ${t.src}\ndestination = no-such-remote:dst\n`);
    for (const extra of [[], ['--verify', 'all']]) {
      const result = await run([t.conf, '--json', ...extra, ...t.lockDir]);
      expect(result.code).toBe(1);
      // sync fails (an error line); verify reports its summary: nothing checked, the failure named.
      expect(JSON.parse(result.out)).toMatchObject(
        extra.length
          ? { command: 'verify', config: 'photos', checked: { files: 0, bytes: 0 }, failed: 1, problems: [expect.stringMatching(/no-such-remote/) as unknown] }
          : { command: 'sync', config: 'photos', dryRun: false, error: expect.stringMatching(/rclone sync failed/) as unknown },
      );
    }
    const missing = await run([join(t.dir, 'none.conf'), '--json', ...t.lockDir]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.out)).toMatchObject({ command: 'sync', config: 'none', error: expect.stringMatching(/cannot open/) as unknown });
  });

  it('applies built-in excludes and the filters in order, and --delete-excluded', async () => {
    const t = setup();
    const first = await run([t.conf, '--json', ...t.lockDir]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(Object.keys(readTree(t.dst)).sort()).toEqual(['a.txt', 'dir/real.txt', 'keep/y.dat']);
    const summary = JSON.parse(first.out) as { files: { transferred: number }; bytes: number };
    expect(summary.files.transferred).toBe(3);
    expect(summary.bytes).toBe(5 + 4 + 4);
    // Something excluded that is already in the destination is deleted (--delete-excluded).
    writeTree(t.dst, { 'scratch/old.dat': 'old' });
    writeTree(t.dst, { 'more.txt': 'x', 'more2.txt': 'y', 'more3.txt': 'z' });
    const second = await run([t.conf, '--json', '--force', ...t.lockDir]);
    expect(second.code).toBe(0);
    expect(existsSync(join(t.dst, 'scratch/old.dat'))).toBe(false);
  });

  it('an unchanged re-run transfers nothing', async () => {
    const t = setup();
    await run([t.conf, ...t.lockDir]);
    const again = await run([t.conf, '--json', ...t.lockDir]);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.out) as { files: { transferred: number; checked: number; deleted: number } };
    expect(summary.files).toEqual({ checked: 3, transferred: 0, deleted: 0 });
  });

  it('dry run changes nothing and says what it would do', async () => {
    const t = setup();
    const result = await run([t.conf, '-n', ...t.lockDir]);
    expect(result.code).toBe(0);
    expect(existsSync(t.dst)).toBe(false);
    expect(result.err).toMatch(/Skipped copy as --dry-run is set/);
  });

  it.each([
    [false, ['a.txt', 'dir/real.txt', 'keep/y.dat']],
    [true, ['a.txt', 'dir/real.txt', 'keep/y.dat', 'link.txt']],
  ])('copy_links = %s', async (copyLinks, expected) => {
    const t = setup(`copy_links = ${copyLinks ? 'yes' : 'no'}`);
    symlinkSync(join(t.src, 'a.txt'), join(t.src, 'link.txt'));
    const result = await run([t.conf, ...t.lockDir]);
    expect(result.code).toBe(0);
    expect(Object.keys(readTree(t.dst)).sort()).toEqual(expected);
  });

  it('passes -v through and echoes the command', async () => {
    const t = setup();
    const result = await run([t.conf, '-v', ...t.lockDir]);
    expect(result.err).toMatch(/running rclone --use-json-log sync .* --delete-excluded --filter '- \*~' --filter '- \.#\*'/);
    expect(result.err).toMatch(/--links --fast-list -v/);
    expect(result.err).toMatch(/Copied \(new\)/);
  });
});

// archive_specials: see specials.test.ts; symlinks: links.test.ts.

describe('sync into a crypt remote over a local directory', () => {
  it('uploads encrypted names and contents that rclone can read back; no secrets at -vv', async () => {
    const t = setup();
    const remote = join(t.dir, 'bucket');
    const rcloneConf = writeCryptConf(t.dir, remote);
    const conf = writeConfig(t.dir, 'crypt', `[default]\nsource = ${t.src}\ndestination = secret:photos\n[filters]\n- *.tmp\n`);
    const result = await run([conf, '-vv', '--rclone-config', rcloneConf, '--json', ...t.lockDir]);
    expect(result.code).toBe(0);
    const stored = Object.keys(readTree(remote));
    expect(stored.length).toBe(4);
    expect(stored.join('\n')).not.toMatch(/a\.txt|real/);
    const back = execFileSync('rclone', ['--config', rcloneConf, 'cat', 'secret:photos/a.txt'], { encoding: 'utf8' });
    expect(back).toBe('alpha');
    const confText = readFileSync(rcloneConf, 'utf8');
    const obscured = [...confText.matchAll(/password2? = (\S+)/g)].map((m) => m[1] as string);
    for (const secret of [...obscured, PASSWORD, SALT]) {
      expect(result.err).not.toContain(secret);
      expect(result.out).not.toContain(secret);
    }
    const again = await run([conf, '--rclone-config', rcloneConf, '--json', ...t.lockDir]);
    expect(JSON.parse(again.out)).toMatchObject({ files: { transferred: 0 } });

    // Flip one byte of a stored (encrypted) file: download and cryptcheck both name it.
    const encrypted = execFileSync('rclone', ['--config', rcloneConf, 'cryptdecode', '--reverse', 'secret:', 'photos/keep/y.dat'], { encoding: 'utf8' }).trim().split(/\s+/).pop() as string;
    const victim = join(remote, encrypted.replace(/^secret:/, ''));
    const bytes = readFileSync(victim);
    bytes[bytes.length - 2] = bytes.readUInt8(bytes.length - 2) ^ 0xff;
    writeFileSync(victim, bytes);
    for (const mode of ['download', 'hash']) {
      const checked = await run([conf, '--verify', 'all', '--verify-mode', mode, '--rclone-config', rcloneConf, ...t.lockDir]);
      expect(checked.code).toBe(1);
      expect(checked.err).toMatch(/(differs|could not check): keep\/y\.dat/);
      expect(checked.err).not.toMatch(/: a\.txt/);
    }
  });
});

describe('safety guards', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(async () => {
    t = setup('', '- *.tmp\n');
    expect((await run([t.conf, ...t.lockDir])).code).toBe(0);
  });
  const snapshot = () => readTree(t.dst);

  it.each([
    ['missing source', () => rmSync(t.src, { recursive: true }), /does not exist/],
    ['empty source (unmounted mount point)', () => { rmSync(t.src, { recursive: true }); mkdirSync(t.src); }, /is empty/],
    // An unmounted nested mount point: directories, no files; max_delete off must not let it through.
    ['source of empty directories only, max_delete off', () => {
      rmSync(t.src, { recursive: true });
      mkdirSync(join(t.src, 'keep', 'deeper'), { recursive: true });
      mkdirSync(join(t.src, 'mnt'));
      writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('[default]\n', '[default]\nmax_delete = off\n'));
    }, /holds only empty directories/],
    ['require_mount on a plain directory', () => writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('[default]\n', '[default]\nrequire_mount = yes\n')), /not a mount point/],
    ['missing sentinel', () => writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('[default]\n', '[default]\nsentinel = .i-am-mounted\n')), /sentinel .*missing/],
    ['min_files', () => writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('[default]\n', '[default]\nmin_files = 100\n')), /fewer than min_files = 100/],
    ['max_delete default 50%', () => { for (const f of ['a.txt', 'keep/x.tmp', 'keep/y.dat', 'scratch/z.dat']) rmSync(join(t.src, f), { force: true }); }, /would delete 3 of 4 files, 75\.0% \(max_delete 50%\)/],
    ['max_delete count', () => { writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('[default]\n', '[default]\nmax_delete = 1\n')); unlinkSync(join(t.src, 'a.txt')); unlinkSync(join(t.src, 'keep/y.dat')); }, /would delete 2 files \(max_delete 1\)/],
    ['max_delete size', () => { writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('[default]\n', '[default]\nmax_delete = 8B\n')); unlinkSync(join(t.src, 'a.txt')); unlinkSync(join(t.src, 'keep/y.dat')); }, /would delete 9 bytes/],
  ])('%s → exit 3, destination untouched, --force overrides', async (_name, breakIt, message) => {
    const before = snapshot();
    breakIt();
    for (const extra of [[], ['-n'], ['--json']]) {
      const refused = await run([t.conf, ...extra, ...t.lockDir]);
      expect(refused.err).toMatch(message);
      expect(refused.code).toBe(3);
      expect(snapshot()).toEqual(before);
      if (extra[0] === '--json') expect(JSON.parse(refused.out)).toMatchObject({ command: 'sync', refused: expect.stringMatching(message) as unknown });
    }
    if (existsSync(t.src)) {
      const forced = await run([t.conf, '--force', ...t.lockDir]);
      expect(forced.code).toBe(0);
      if (/delete/.test(String(message))) expect(snapshot()).not.toEqual(before);
    }
  });

  it('max_delete with new files: by default touches nothing; --no-strict-guards uploads them but deletes nothing', async () => {
    const before = snapshot();
    for (const f of ['a.txt', 'keep/y.dat', 'scratch/z.dat']) unlinkSync(join(t.src, f));
    writeTree(t.src, { 'new.txt': 'new' });
    const strict = await run([t.conf, '--strict-guards', ...t.lockDir]);
    expect(strict.code).toBe(3);
    expect(strict.err).toMatch(/would delete 3 of 4 files/);
    expect(snapshot()).toEqual(before);
    const fast = await run([t.conf, '--no-strict-guards', ...t.lockDir]);
    expect(fast.code).toBe(3);
    expect(snapshot()).toEqual({ ...before, 'new.txt': 'new' });
  });

  it('a planned deletion rclone cannot be told exactly (a name that is not UTF-8, local destination): exit 1, named, never a quiet 0', async () => {
    const odd = Buffer.from('odd\xff', 'latin1');
    writeFileSync(Buffer.concat([Buffer.from(`${t.src}/`), odd]), 'x');
    expect((await run([t.conf, ...t.lockDir])).code).toBe(0);
    unlinkSync(Buffer.concat([Buffer.from(`${t.src}/`), odd]));
    const result = await run([t.conf, '--json', ...t.lockDir]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/1 of the 1 planned deletions were not made; .*"odd\ufffd" .*--force/);
    expect(JSON.parse(result.out)).toMatchObject({ plannedDeletes: 1, files: { deleted: 0 }, errors: 1 });
    // What the message offers works: rclone's own sync deletes it.
    expect((await run([t.conf, '--force', ...t.lockDir])).code).toBe(0);
    expect(existsSync(Buffer.concat([Buffer.from(`${t.dst}/`), odd]))).toBe(false);
  });

  it('max_delete within limits: deletions go through', async () => {
    unlinkSync(join(t.src, 'a.txt'));
    const result = await run([t.conf, '--json', ...t.lockDir]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ files: { deleted: 1 }, plannedDeletes: 1 });
    expect(existsSync(join(t.dst, 'a.txt'))).toBe(false);
  });

  it('pre_command runs first; its failure aborts', async () => {
    const marker = join(t.dir, 'marker');
    writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('[default]\n', `[default]\npre_command = touch "${marker}"\n`));
    expect((await run([t.conf, '-n', ...t.lockDir])).code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect((await run([t.conf, ...t.lockDir])).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace(/pre_command = .*\n/, 'pre_command = false\n'));
    writeTree(t.src, { 'fresh.txt': 'fresh' });
    const failed = await run([t.conf, ...t.lockDir]);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/pre_command failed/);
    expect(existsSync(join(t.dst, 'fresh.txt'))).toBe(false);
  });

  it("-q hides a successful pre_command's output; a failing one's still shows", async () => {
    const base = readFileSync(t.conf, 'utf8');
    writeConfig(t.dir, 'photos', base.replace('[default]\n', '[default]\npre_command = echo snapshot-taken\n'));
    expect((await run([t.conf, ...t.lockDir])).err).toContain('snapshot-taken');
    const quiet = await run([t.conf, '-q', ...t.lockDir]);
    expect(quiet).toMatchObject({ code: 0, err: '' });
    const script = join(t.dir, 'snap.sh');
    writeFileSync(script, '#!/bin/sh\necho no-snapshot\nexit 1\n', { mode: 0o755 });
    writeConfig(t.dir, 'photos', base.replace('[default]\n', `[default]\npre_command = ${script}\n`));
    const failed = await run([t.conf, '-q', ...t.lockDir]);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('no-snapshot');
    expect(failed.err).toMatch(/pre_command failed/);
  });

  it('a second run of the same config is refused by the lock', async () => {
    const { acquireLock } = await import('../src/lock.js');
    const { readdirSync } = await import('node:fs');
    await run([t.conf, ...t.lockDir]);
    expect(readdirSync(t.dir).filter((n) => n.endsWith('.lock'))).toEqual([]);
    const { createHash } = await import('node:crypto');
    const lock = join(t.dir, `rclone-backup-photos-${createHash('sha1').update(t.conf).digest('hex').slice(0, 8)}.lock`);
    const release = await acquireLock(lock, 'test');
    try {
      const refused = await run([t.conf, ...t.lockDir]);
      expect(refused.code).toBe(3);
      expect(refused.err).toMatch(/already running/);
    } finally {
      await release();
    }
    writeFileSync(lock, '999999999\n');
    expect((await run([t.conf, ...t.lockDir])).code).toBe(0);
  });
});
