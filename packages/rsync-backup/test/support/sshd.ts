// A real OpenSSH server for the tests: started on a free loopback port with its own host
// key and config in a temp dir (as root), accounts made by the real `target-setup --apply`,
// everything removed afterwards.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export const BIN = resolve(import.meta.dirname, '../../bin/rsync-backup.js');
export const isRoot = process.getuid?.() === 0;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((done) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

export interface TestSshd {
  dir: string;
  port: number;
  base: string;
  knownHosts: string;
  /** Makes a key pair for a source host and runs target-setup --apply for it. */
  addHost(host: string): Promise<{ user: string; key: string; area: string }>;
  /** `ssh` as that host's key, with a command line (checks what the key may do). */
  ssh(key: string, user: string, command: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export async function startSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'rsync-backup-sshd-'));
  const base = join(dir, 'base');
  // The accounts must reach their homes below it (sshd reads authorized_keys as the user).
  await chmod(dir, 0o755);
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  const port = await freePort();
  await writeFile(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'AuthorizedKeysFile .ssh/authorized_keys',
      'StrictModes yes',
      'PermitRootLogin no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `[127.0.0.1]:${port} ${(await readFile(join(dir, 'host_key.pub'), 'utf8')).trim()}\n`);
  const server: ResultPromise = execa('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { reject: false });
  await waitForPort(port, Date.now() + 15_000);
  const users: string[] = [];
  const keyPath = (host: string): string => join(dir, `${host}_key`);
  return {
    dir,
    port,
    base,
    knownHosts,
    async addHost(host) {
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `rsync-backup@${host}`, '-f', keyPath(host)]);
      const setup = await execa('node', [BIN, 'target-setup', host, '--key', `${keyPath(host)}.pub`, '--base', base, '--bin', BIN, '--apply']);
      const user = /set up (\S+):/.exec(setup.stdout)![1]!;
      users.push(user);
      return { user, key: keyPath(host), area: join(base, host, 'snapshots') };
    },
    async ssh(key, user, command) {
      const result = await execa(
        'ssh',
        ['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'IdentitiesOnly=yes', '-i', key, '-p', String(port), `${user}@127.0.0.1`, ...command],
        { reject: false, timeout: 30_000 },
      );
      return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
    },
    async stop() {
      server.kill('SIGTERM');
      await server;
      for (const user of users) await execa('userdel', [user], { reject: false });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
