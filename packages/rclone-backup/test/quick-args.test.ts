import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBackupArgs } from '../src/main.js';
import { quickBackupArgs } from '../src/quick-args.js';
import { cleanup, memoryIO, run, tempDir, writeConfig } from './helpers.js';

// The fast path must read exactly what yargs reads, and leave everything else to it.
describe('quickBackupArgs', () => {
  const io = memoryIO({ RCLONE_BACKUP_LOCK_DIR: '/var/lock/rb' });
  it.each([
    [['a.conf']],
    [['/etc/b.conf', '-q']],
    [['-v', 'a.conf']],
    [['a.conf', '-vv', '--verbose']],
    [['a.conf', '-q', '-v']],
    [['a.conf', '-n', '--json', '--force', '--no-strict-guards', '--copy-links']],
    [['--dry-run', 'a.conf', '--strict-guards', '--no-copy-links', '-h']],
    [['a.conf', '--dryrun', '--human-readable', '--quiet', '--debug']],
    [['a.conf', '--rclone-config', 'rc/rclone.conf', '--lock-dir', '/tmp/l']],
    [['a.conf', '--config=rc.conf', '--lock-dir=/tmp/x=y']],
    [['--filters', 'a.conf']],
    [['a.conf', '--filters', '-n', '--rclone-config', '/r.conf']],
  ])('%j reads as yargs reads it', async (argv) => {
    const quick = quickBackupArgs(argv, { cwd: '/home/u', env: io.env });
    expect(quick).toBeDefined();
    expect(quick).toEqual(await parseBackupArgs(argv, { ...io, cwd: '/home/u' }));
  });
  it.each([
    [[]],
    [['--help']],
    [['--version']],
    [['a.conf', 'b.conf']],
    [['a.conf', '--ls']],
    [['a.conf', '--verify', 'all']],
    [['a.conf', '--bogus']],
    [['a.conf', '-qn']],
    [['a.conf', '--json=false']],
    [['a.conf', '--json', '--json']],
    [['a.conf', '-n', '--dry-run']],
    [['a.conf', '--strict-guards', '--no-strict-guards']],
    [['a.conf', '--rclone-config']],
    [['a.conf', '--rclone-config', '-q']],
    [['a.conf', '--rclone-config', 'x', '--config', 'y']],
    [['a.conf', '--lock-dir=']],
    [['a.conf', '--']],
    [['-']],
    [['']],
    [['a.conf', '--rcloneConfig', 'x']],
  ])('%j is left to yargs', (argv) => {
    expect(quickBackupArgs(argv, { cwd: '/', env: {} })).toBeUndefined();
  });
});

describe('--filters', () => {
  const dir = tempDir();
  afterAll(() => cleanup(dir));
  const conf = writeConfig(dir, 'f', `[default]\nsource = ${dir}\ndestination = ${dir}/dst\n[filters]\n- *.tmp\n+ /a/**\n`);
  // A directory where rclone.conf should be: reading it fails (the sync's path reports that).
  const unreadable = join(dir, 'rclone.conf.d');
  mkdirSync(unreadable);
  it('reads the backup config alone, not rclone.conf', async () => {
    expect(await run([conf, '--filters', '--rclone-config', unreadable])).toEqual({ code: 0, out: '- *~\n- .#*\n- *.tmp\n+ /a/**\n', err: '' });
    expect(await run([conf, '--filters'], { RCLONE_CONFIG: unreadable })).toEqual({ code: 0, out: '- *~\n- .#*\n- *.tmp\n+ /a/**\n', err: '' });
    // The same flags through yargs (an order it alone reads) print the same.
    expect(await run(['--filters=true', conf, '--rclone-config', unreadable])).toEqual({ code: 0, out: '- *~\n- .#*\n- *.tmp\n+ /a/**\n', err: '' });
    expect((await run([conf, '-n', '--rclone-config', unreadable])).code).toBe(2);
  });
});
