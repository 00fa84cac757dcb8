// rsync-backup's words for failures on the TARGET (disk full, read-only file system, permissions)
// and for ssh's own: real rsync over a real sshd into an area on a tiny tmpfs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIO, runInMemory } from '@rclone-b2/core/testing';
import { main } from '../src/main.js';
import { isRoot, startSshd, type TestSshd } from './support/sshd.js';

const suffix = Math.random().toString(36).slice(2, 7);

describe.runIf(isRoot)('failures on the target are named as such, never as a connection problem', () => {
  let sshd: TestSshd;
  let host: { user: string; key: string; area: string };
  let source: string;
  let config: string;
  let mounted = false;
  const run = (args: readonly string[]) => runInMemory('rsync-backup', main, [...args, '--state-dir', join(sshd.dir, 'state'), '--lock-dir', sshd.dir], memoryIO({ cwd: sshd.dir }));

  beforeAll(async () => {
    sshd = await startSshd();
    host = await sshd.addHost(`full-${suffix}`);
    // The host's area on a 1 MiB tmpfs, owned by its account as target-setup made it.
    await execa('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=700', 'tmpfs', host.area]);
    mounted = true;
    await execa('chown', [`${host.user}:${host.user}`, host.area]);
    source = join(sshd.dir, 'src');
    await mkdir(join(source, 'data'), { recursive: true });
    await writeFile(join(source, 'data', 'small.txt'), 'small\n');
    config = join(sshd.dir, 'full.conf');
    await writeFile(config, `[default]\nsource = ${source}\ntarget = ${host.user}@127.0.0.1\nssh_key = ${host.key}\nssh_port = ${sshd.port}\nknown_hosts = ${sshd.knownHosts}\n`);
  }, 60_000);

  afterAll(async () => {
    if (mounted) await execa('umount', [host.area], { reject: false });
    await sshd?.stop();
  });

  it('a full disk on the target: exit 1 with rsync\'s reason from the target and the .partial kept, no ssh hint', async () => {
    await writeFile(join(source, 'data', 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
    const result = await run([config, '--now', '2026-11-01T01:30:00Z']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^rsync-backup: backup full to \S+ failed: rsync: \[receiver\] write failed on ".*\/big\.bin": No space left on device \(28\) \/ rsync-backup: rsync server failed \(exit 11\); 2026-11-01T013000Z left incomplete as 2026-11-01T013000Z\.partial \(on the target; rsync exit 11\)\n$/,
    );
    expect(result.err).not.toMatch(/ssh could not connect|\bssh\b/);
  });

  it('a read-only file system on the target: exit 1, the target\'s words, no ssh hint', async () => {
    await execa('mount', ['-o', 'remount,ro', host.area]);
    const result = await run([config, '--now', '2026-11-02T01:30:00Z']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^rsync-backup: backup full to \S+ failed: rsync-backup: cannot open ".*": read-only file system \(on the target; rsync exit 12\)\n$/);
    expect(result.err).not.toMatch(/ssh could not connect|\bssh\b/);
  });

  it('permission denied on the target: exit 1, the target\'s words, no ssh hint', async () => {
    await execa('mount', ['-o', 'remount,rw', host.area]);
    await execa('chmod', ['500', host.area]);
    try {
      const result = await run([config, '--now', '2026-11-03T01:30:00Z']);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^rsync-backup: backup full to \S+ failed: rsync-backup: cannot open ".*": permission denied \(on the target; rsync exit 12\)\n$/);
      expect(result.err).not.toMatch(/ssh could not connect|\bssh\b/);
    } finally {
      await execa('chmod', ['700', host.area]);
    }
  });

  it('a key the target does not know: exit 1 with ssh\'s words and the ssh hint', async () => {
    const stranger = join(sshd.dir, 'stranger_key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const strangerConfig = join(sshd.dir, 'stranger.conf');
    await writeFile(strangerConfig, `[default]\nsource = ${source}\ntarget = ${host.user}@127.0.0.1\nssh_key = ${stranger}\nssh_port = ${sshd.port}\nknown_hosts = ${sshd.knownHosts}\n`);
    const result = await run([strangerConfig, '--now', '2026-11-04T01:30:00Z']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/failed: \S+: Permission denied \(publickey\)\.? \(ssh could not connect or the target refused; rsync exit \d+\)\n$/);
  });
});
