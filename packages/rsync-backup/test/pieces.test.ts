import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquirePidLock, BUILTIN_POLICIES, parsePolicy, thinSnapshots } from '@rclone-b2/core';
import { memoryIO, runInMemory } from '@rclone-b2/core/testing';
import { failureReason, lockPath } from '../src/backup.js';
import { main } from '../src/main.js';
import { parseConfig } from '../src/config.js';
import { parseReceiveCommand } from '../src/receive-command.js';
import { transferArgs } from '../src/rsync-args.js';
import { snapshotName, snapshotTime } from '../src/snapshot-name.js';
import { accountFor } from '../src/target-setup.js';
import { unitFiles } from '../src/units.js';

const CONFIG = `[default]
source = /etc
source = /home/
target = rsb-web1@nas.example.com
ssh_key = /root/.ssh/backup key
max_delete = 10%, 5000
[excludes]
*.tmp
/home/*/.cache/
`;

describe('the forced command accepts only the receiving rsync command rsync-backup sends', () => {
  it.each([
    ['rsync --server -lHogDtprRe.iLsfxCIvu --stats --numeric-ids . 2026-12-05T013000Z/', '2026-12-05T013000Z'],
    ['rsync --server -nlHogDtprRe.iLsfxCIvu --numeric-ids . 2026-12-05T013000Z', '2026-12-05T013000Z'],
  ])('%s', (command, snapshot) => {
    expect(parseReceiveCommand(command).snapshot).toBe(snapshot);
  });

  it.each([
    [undefined, /no command/],
    ['sh', /not an rsync server/],
    ['rsync --server --sender -vlogDtpre.iLsfxCIvu . 2026-12-05T013000Z/', /reading is not allowed/],
    ['rsync --server -lHogDtpre.iLsfxCIvu --delete . 2026-12-05T013000Z/', /option --delete/],
    ['rsync --server -lHogDtpre.iLsfxCIvu --inplace . 2026-12-05T013000Z/', /option --inplace/],
    ['rsync --server -lHogDtpre.iLsfxCIvu --remove-source-files . 2026-12-05T013000Z/', /option --remove-source-files/],
    ['rsync --server -lHogDtpre.iLsfxCIvu . ../other/2026-12-05T013000Z/', /not a snapshot name/],
    ['rsync --server -lHogDtpre.iLsfxCIvu . 2026-12-05T013000Z/ extra', /expected/],
    ['rsync --server -lHogDtpre.iLsfxCIvu; sh . 2026-12-05T013000Z/', /options/],
    ['rsync --server -lHogDtpKre.iLsfxCIvu . 2026-12-05T013000Z/', /options/],
  ])('refuses %s', (command, why) => {
    expect(() => parseReceiveCommand(command)).toThrow(why);
  });
});

describe('config and rsync arguments', () => {
  it('parses sources, target, excludes and max_delete; the snapshot keeps full paths', () => {
    const config = parseConfig(CONFIG, '/etc/rsync-backups/web1.conf');
    expect(config.name).toBe('web1');
    expect(config.sources).toEqual(['/etc', '/home']);
    expect(config.maxDelete).toEqual([{ kind: 'percent', value: 10 }, { kind: 'count', value: 5000 }]);
    const args = transferArgs(config, '2026-12-05T013000Z', false);
    expect(args).toContain('--relative');
    expect(args.slice(args.indexOf('-e') + 1, args.indexOf('-e') + 2)[0]).toContain("-i '/root/.ssh/backup key'");
    expect(args.slice(-3)).toEqual(['/etc', '/home', 'rsb-web1@nas.example.com:2026-12-05T013000Z/']);
    expect(args).toEqual(expect.arrayContaining(['--exclude', '*.tmp', '--exclude', '/home/*/.cache/']));
    expect(args).not.toContain('--delete');
  });

  it.each([
    ['[default]\ntarget = a@b\n', /no source/],
    ['[default]\nsource = rel/path\ntarget = a@b\n', /absolute/],
    ['[default]\nsource = /x\ntarget = a@b:/srv/backups\n', /fixed by the target's forced command/],
    ['[default]\nsource = /x\ntarget = a@b\nmax_delete = lots\n', /max_delete/],
    ['[default]\nsource = /x\ntarget = a@b\nrequire_mount = maybe\n', /yes\/no/],
    ['[default]\nsource = /x\ntarget = a@b\nbogus = 1\n', /unknown key/],
  ])('config error %#', (text, why) => {
    expect(() => parseConfig(text, 'x.conf')).toThrow(why);
  });
});

describe('snapshots and accounts', () => {
  it('names round-trip and sort in time order', () => {
    const t = Date.UTC(2026, 11, 5, 1, 30, 7);
    expect(snapshotName(t)).toBe('2026-12-05T013007Z');
    expect(snapshotTime(snapshotName(t))).toBe(t);
    expect(snapshotTime('2026-13-05T013007Z')).toBeUndefined();
  });

  it('one account per host name', () => {
    expect(accountFor('web1.example.com')).toBe('rsb-web1-example-com');
    expect(() => accountFor('../root')).toThrow(/letters, digits/);
  });

  it('thinning keeps the newest snapshot even when the policy keeps no old ones', () => {
    const day = 86_400_000;
    const verdicts = thinSnapshots([1, 2, 3].map((d) => ({ t: d * day })), (s) => s.t, parsePolicy('never', BUILTIN_POLICIES.never!), 10 * day);
    expect(verdicts.map((v) => v.keep)).toEqual([true, false, false]);
  });
});

describe('units', () => {
  it('a nightly service and timer that run the config, quoted for systemd; a cron.d line for cron', () => {
    const command = { name: 'rsync-backup-web1', description: 'rsync snapshot', bin: '/usr/local/bin/rsync-backup', args: ['/etc/rsync backups/web1.conf'], at: { hour: 1, minute: 30 } };
    const [service, timer] = unitFiles('systemd', command);
    expect(service!.name).toBe('rsync-backup-web1.service');
    expect(service!.text).toContain('ExecStart=/usr/local/bin/rsync-backup "/etc/rsync backups/web1.conf"');
    expect(timer!.text).toContain('OnCalendar=*-*-* 01:30:00');
    const [cron] = unitFiles('cron.d', command);
    expect(cron!.text).toContain("30 1 * * * root /usr/local/bin/rsync-backup '/etc/rsync backups/web1.conf'");
  });
});

describe('lock', () => {
  it('a second run of the same config refuses with exit 3 while the first holds the lock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rsync-backup-lock-'));
    try {
      const file = join(dir, 'web1.conf');
      await writeFile(file, `[default]\nsource = ${dir}\ntarget = rsb-web1@127.0.0.1\nssh_port = 1\n`);
      const release = await acquirePidLock(await lockPath(parseConfig(await readFile(file, 'utf8'), file), dir), () => 'held');
      try {
        const result = await runInMemory('rsync-backup', main, [file, '--lock-dir', dir, '--state-dir', dir], memoryIO({ cwd: dir }));
        expect(result.code).toBe(3);
        expect(result.err).toMatch(/^rsync-backup: backup web1 is already running \(process \d+ holds \S+\.lock\)\n$/);
      } finally {
        await release();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('target-setup prints by default', () => {
  it('the account, the area and a restricted key line running the forced command; nothing is changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rsync-backup-setup-'));
    try {
      await writeFile(join(dir, 'web1.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheTest0000000000000000000000000 root@web1\n');
      const result = await runInMemory('rsync-backup', main, ['target-setup', 'web1', '--key', 'web1.pub', '--base', join(dir, 'base')], memoryIO({ cwd: dir }));
      expect(result.code).toBe(0);
      expect(result.out).toContain(`useradd --system --user-group --home-dir ${dir}/base/web1 --no-create-home --shell /bin/sh --password '*' rsb-web1`);
      expect(result.out).toContain(
        `restrict,command="/usr/local/bin/rsync-backup target-receive --area ${dir}/base/web1/snapshots" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheTest0000000000000000000000000 root@web1\n`,
      );
      await expect(readFile(join(dir, 'base', 'web1', '.ssh', 'authorized_keys'))).rejects.toThrow();
      const bad = await runInMemory('rsync-backup', main, ['target-setup', 'web1', '--key', 'missing.pub'], memoryIO({ cwd: dir }));
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/cannot read the public key/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('target-thin', () => {
  it('applies the policy to complete snapshots and removes .partial ones older than the newest snapshot', async () => {
    const area = await mkdtemp(join(tmpdir(), 'rsync-backup-thin-'));
    try {
      const day = 86_400_000;
      const start = Date.UTC(2026, 0, 1, 1, 30);
      for (let d = 0; d < 10; d += 1) await mkdir(join(area, snapshotName(start + d * day), 'etc'), { recursive: true });
      await mkdir(join(area, `${snapshotName(start + 4.5 * day)}.partial`));
      await mkdir(join(area, `${snapshotName(start + 20 * day)}.partial`));
      await writeFile(join(area, 'notes.txt'), 'left alone');
      const now = start + 9 * day + 3_600_000;
      const result = await runInMemory('rsync-backup', main, ['target-thin', '--policy', 'one_week', '--now', new Date(now).toISOString(), area], memoryIO({ cwd: area }));
      expect(result.code).toBe(0);
      // one_week (1..7): a snapshot's age runs from the next one (day 1 was replaced 7 d 1 h ago: gone).
      expect((await readdir(area)).sort()).toEqual([
        ...[2, 3, 4, 5, 6, 7, 8, 9].map((d) => snapshotName(start + d * day)),
        `${snapshotName(start + 20 * day)}.partial`,
        'notes.txt',
      ]);
      expect(result.out).toContain(`delete ${join(area, `${snapshotName(start + 4.5 * day)}.partial`)}: incomplete`);
    } finally {
      await rm(area, { recursive: true, force: true });
    }
  });
});

describe('failure messages', () => {
  it.each([
    ['ssh: connect to host 127.0.0.1 port 1: Connection refused\nrsync: connection unexpectedly closed (0 bytes received so far) [sender]', /^ssh: connect to host .*Connection refused \(ssh could not connect or the target refused; rsync exit 12\)$/],
    ['rsync-backup: snapshot 2026-01-01T000000Z is not newer than the latest, 2026-02-01T000000Z: existing snapshots cannot be written\nrsync: connection unexpectedly closed', /^rsync-backup: snapshot .* not newer .*rsync exit 12\)$/],
    ['rsync: [sender] read errors mapping "/x": Input/output error (5)\nrsync error: some files/attrs were not transferred (code 23)', /^rsync exit 12: rsync: \[sender\] read errors/],
  ])('%#: names the cause the user can act on', (output, expected) => {
    expect(failureReason(12, output)).toMatch(expected);
  });

  it.each([
    [23, 'rsync: [receiver] mkstemp "/a/.b.XXXX" failed: Permission denied (13)\nrsync error: some files/attrs were not transferred (code 23)', /^rsync: \[receiver\] mkstemp .*Permission denied \(13\) \(on the target; rsync exit 23\)$/],
    [12, 'rsync: connection unexpectedly closed (0 bytes received so far) [sender]\nrsync error: error in rsync protocol data stream (code 12)', /^rsync: connection unexpectedly closed .* \(the connection to the target failed; rsync exit 12\)$/],
    [255, 'rsync error: unexplained error (code 255)', /\(the connection to the target failed; rsync exit 255\)$/],
  ])('rsync exit %i: the ssh hint only for a connection failure', (code, output, expected) => {
    expect(failureReason(code, output)).toMatch(expected);
    if (code === 23) expect(failureReason(code, output)).not.toMatch(/ssh/);
  });
});
