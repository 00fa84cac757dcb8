// rsync-backup end to end: real rsync over a real sshd into accounts made by target-setup.
import { mkdir, readdir, readFile, rm, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIO, runInMemory } from '@rclone-b2/core/testing';
import { main } from '../src/main.js';
import { isRoot, startSshd, type TestSshd } from './support/sshd.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1, 1, 30, 0);
const suffix = Math.random().toString(36).slice(2, 7);

describe.runIf(isRoot)('rsync-backup over a real sshd', () => {
  let sshd: TestSshd;
  let web: { user: string; key: string; area: string };
  let db: { user: string; key: string; area: string };
  let source: string;
  let config: string;
  const state = (): string => join(sshd.dir, 'state');

  const run = (args: readonly string[]) => runInMemory('rsync-backup', main, [...args, '--state-dir', state(), '--lock-dir', sshd.dir], memoryIO({ cwd: sshd.dir }));

  beforeAll(async () => {
    sshd = await startSshd();
    web = await sshd.addHost(`web1-${suffix}`);
    db = await sshd.addHost(`db1-${suffix}`);
    source = join(sshd.dir, 'src');
    await mkdir(join(source, 'data'), { recursive: true });
    for (let i = 0; i < 20; i += 1) await writeFile(join(source, 'data', `file${i}.txt`), `file ${i}\n`.repeat(200));
    await writeFile(join(source, 'data', 'skip.tmp'), 'excluded');
    config = join(sshd.dir, 'web1.conf');
    await writeFile(
      config,
      `[default]\nsource = ${source}\ntarget = ${web.user}@127.0.0.1\nssh_key = ${web.key}\nssh_port = ${sshd.port}\nknown_hosts = ${sshd.knownHosts}\n\n[excludes]\n*.tmp\n`,
    );
  }, 60_000);

  afterAll(async () => {
    await sshd?.stop();
  });

  it('a month of nightly snapshots: each a full tree, unchanged files hard-linked to the previous night, then thinned by the default policy', async () => {
    for (let day = 1; day <= 30; day += 1) {
      // Every night one file changes, one appears, one (from the first 10) disappears.
      // Written with that night's time: rsync's quick check compares size and whole-second
      // mtime, and two fast nights of the test can fall in the same second.
      const night = new Date(START + (day - 1) * DAY - 3_600_000);
      await writeFile(join(source, 'data', 'file19.txt'), `changed on day ${day}\n`);
      await utimes(join(source, 'data', 'file19.txt'), night, night);
      await writeFile(join(source, 'data', `new${day}.txt`), `new on day ${day}\n`);
      if (day <= 10) await unlink(join(source, 'data', `file${day - 1}.txt`));
      const result = await run([config, '--json', '--now', new Date(START + (day - 1) * DAY).toISOString()]);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.out) as { snapshot: string; transferredFiles: number };
      // Only what changed crossed the wire: the changed file and the new one (all 20 the first night).
      expect(report.transferredFiles).toBe(day === 1 ? 20 : 2);
    }
    const snapshots = (await readdir(web.area)).filter((n) => !n.startsWith('.')).sort();
    expect(snapshots).toHaveLength(30);
    const inSnapshot = (name: string, file: string): string => join(web.area, name, source.slice(1), 'data', file);
    // The exclude held, and a snapshot is a full tree of that night.
    await expect(stat(inSnapshot(snapshots[29]!, 'skip.tmp'))).rejects.toThrow();
    expect(await readFile(inSnapshot(snapshots[29]!, 'file19.txt'), 'utf8')).toBe('changed on day 30\n');
    expect(await readFile(inSnapshot(snapshots[0]!, 'file1.txt'), 'utf8')).toBe('file 1\n'.repeat(200));
    await expect(stat(inSnapshot(snapshots[1]!, 'file1.txt'))).rejects.toThrow();
    // Link-dest sharing: file15 never changed, so all 30 snapshots hold one inode.
    const unchanged = await Promise.all(snapshots.map((s) => stat(inSnapshot(s, 'file15.txt'))));
    expect(new Set(unchanged.map((s) => s.ino)).size).toBe(1);
    expect(unchanged[0]!.nlink).toBe(30);
    // The file that changed nightly has 30 different inodes.
    const changed = await Promise.all(snapshots.map((s) => stat(inSnapshot(s, 'file19.txt'))));
    expect(new Set(changed.map((s) => s.ino)).size).toBe(30);

    // Thinning as root on the target, an hour after the last night, with `default`
    // (1..7 daily, weekly to 30, ...): a snapshot's age runs from the next one (rule 2),
    // each window keeps its newest and oldest (rule 3).
    const thin = await runInMemory('rsync-backup', main, ['target-thin', '--base', sshd.base, '--now', new Date(START + 29 * DAY + 3_600_000).toISOString(), '--json', web.area], memoryIO({ cwd: sshd.dir }));
    expect(thin.err).toBe('');
    expect(thin.code).toBe(0);
    expect((JSON.parse(thin.out) as { snapshots: unknown[] }).snapshots).toHaveLength(30);
    const kept = (await readdir(web.area)).filter((n) => !n.startsWith('.')).sort();
    const dayOf = (name: string): number => Math.round((Date.parse(name.replace(/T(\d\d)(\d\d)(\d\d)Z/, 'T$1:$2:$3Z')) - START) / DAY) + 1;
    expect(kept.map(dayOf)).toEqual([1, 2, 8, 9, 15, 16, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    // What is left is intact, and still shares inodes.
    expect(await readFile(inSnapshot(kept[1]!, 'file19.txt'), 'utf8')).toBe('changed on day 2\n');
    expect((await stat(inSnapshot(kept[0]!, 'file15.txt'))).nlink).toBe(15);
  }, 600_000); // 30 ssh round trips, each starting the target's forced command: 85-205 s measured at load average 20 on 2 cores

  it('the key cannot run a shell or any other command', async () => {
    for (const command of [[], ['cat', '/etc/passwd'], ['sh', '-c', 'id'], ['rsync --server --sender -vlogDtpre.iLsfxCIvu . .']]) {
      const result = await sshd.ssh(web.key, web.user, command);
      expect(result.exitCode, command.join(' ')).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/refused command|no command/);
    }
  }, 60_000);

  it("the key cannot read another host's area (nor its own)", async () => {
    // db1's snapshot area exists and holds a snapshot.
    await mkdir(join(db.area, '2026-11-01T000000Z', 'secret'), { recursive: true });
    await writeFile(join(db.area, '2026-11-01T000000Z', 'secret', 'key.txt'), 'db secret');
    await execa('chown', ['-R', `${db.user}:${db.user}`, db.area]);
    const out = join(sshd.dir, 'stolen');
    const ssh = `ssh -o BatchMode=yes -o UserKnownHostsFile=${sshd.knownHosts} -o IdentitiesOnly=yes -i ${web.key} -p ${sshd.port}`;
    for (const path of [`${db.area}/`, '../../db1/snapshots/', '.']) {
      const pull = await execa('rsync', ['-a', '-e', ssh, `${web.user}@127.0.0.1:${path}`, out], { reject: false });
      expect(pull.exitCode, path).not.toBe(0);
      expect(pull.stderr).toMatch(/reading is not allowed|refused command/);
    }
    await expect(stat(join(out, 'secret'))).rejects.toThrow();
    // And the accounts cannot see each other's areas on the disk either (0700, separate users).
    const peek = await execa('su', ['-s', '/bin/sh', web.user, '-c', `ls ${db.area}`], { reject: false });
    expect(peek.exitCode).not.toBe(0);
  }, 60_000);

  it('the key cannot delete or overwrite an existing snapshot', async () => {
    const snapshots = (await readdir(web.area)).filter((n) => !n.startsWith('.')).sort();
    const oldest = snapshots[0]!;
    const before = await readdir(join(web.area, oldest), { recursive: true });
    const empty = join(sshd.dir, 'empty');
    await mkdir(empty, { recursive: true });
    const ssh = `ssh -o BatchMode=yes -o UserKnownHostsFile=${sshd.knownHosts} -o IdentitiesOnly=yes -i ${web.key} -p ${sshd.port}`;
    const attempts = [
      ['-a', '--delete', `${empty}/`, `${web.user}@127.0.0.1:${oldest}/`],
      ['-a', `${empty}/`, `${web.user}@127.0.0.1:${oldest}/`],
      ['-a', '--remove-source-files', `${empty}/`, `${web.user}@127.0.0.1:2099-01-01T000000Z/`],
      ['-a', '--inplace', `${empty}/`, `${web.user}@127.0.0.1:2099-01-01T000000Z/`],
      ['-a', `${empty}/`, `${web.user}@127.0.0.1:../${oldest}/`],
    ];
    for (const args of attempts) {
      const result = await execa('rsync', ['-e', ssh, ...args], { reject: false });
      expect(result.exitCode, args.join(' ')).not.toBe(0);
      expect(result.stderr).toMatch(/refused command|not newer than the latest/);
    }
    expect(await readdir(join(web.area, oldest), { recursive: true })).toEqual(before);
    expect((await readdir(web.area)).filter((n) => !n.startsWith('.')).sort()).toEqual(snapshots);
  }, 60_000);

  it('--dry-run sends nothing and leaves no snapshot (nor a .partial) on the target', async () => {
    const before = (await readdir(web.area)).sort();
    await writeFile(join(source, 'data', 'dry.txt'), 'would be sent');
    const dry = await run([config, '--dry-run', '--json', '--now', '2099-01-15T00:00:00Z']);
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ dryRun: true, snapshot: '2099-01-15T000000Z', transferredFiles: 1 });
    expect((await readdir(web.area)).sort()).toEqual(before);
    await rm(join(source, 'data', 'dry.txt'));
  }, 60_000);

  it('guards: an empty source refuses (exit 3), an unreachable target fails (exit 1), a source that shrank past max_delete refuses (exit 3)', async () => {
    const emptySource = join(sshd.dir, 'empty-src');
    await mkdir(emptySource, { recursive: true });
    const emptyConfig = join(sshd.dir, 'empty.conf');
    await writeFile(emptyConfig, (await readFile(config, 'utf8')).replace(`source = ${source}`, `source = ${emptySource}`));
    const empty = await run([emptyConfig]);
    expect(empty.code).toBe(3);
    expect(empty.err).toMatch(/is empty; refusing/);
    // A source that is itself a symlink: rsync would send the link alone, while the guards look through it.
    const linkedSource = join(sshd.dir, 'linked-src');
    await symlink(source, linkedSource);
    const linkedConfig = join(sshd.dir, 'linked.conf');
    await writeFile(linkedConfig, (await readFile(config, 'utf8')).replace(`source = ${source}`, `source = ${linkedSource}`));
    const linked = await run([linkedConfig]);
    expect(linked.code).toBe(3);
    expect(linked.err).toMatch(/is a symbolic link \(to .*\): rsync would back up the link alone/);

    const downConfig = join(sshd.dir, 'down.conf');
    await writeFile(downConfig, (await readFile(config, 'utf8')).replace(`ssh_port = ${sshd.port}`, 'ssh_port = 1'));
    const down = await run([downConfig, '--now', '2099-02-01T00:00:00Z']);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/ssh could not connect/);

    // web1.conf's last run counted every entry; remove most of the tree.
    const before = (await readdir(web.area)).length;
    for (let i = 10; i < 19; i += 1) await rm(join(source, 'data', `file${i}.txt`));
    for (let day = 1; day <= 30; day += 1) await rm(join(source, 'data', `new${day}.txt`));
    const shrunk = await run([config, '--now', '2099-03-01T00:00:00Z']);
    expect(shrunk.code).toBe(3);
    expect(shrunk.err).toMatch(/shrank by .*max_delete 50%/);
    expect((await readdir(web.area)).length).toBe(before);
  }, 120_000);
});
