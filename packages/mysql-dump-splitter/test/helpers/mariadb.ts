// A throw-away MariaDB server for tests: mariadb-install-db into a temp datadir, mariadbd
// on a free TCP port and a private socket, real authentication (root without password via
// the socket; tests may create users with passwords). stop() kills it and removes the dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export interface MariaDb {
  dir: string;
  socket: string;
  port: number;
  /** Runs SQL through the real `mariadb` client; returns its tab-separated output. */
  sql(query: string, database?: string): Promise<string>;
  /** Pipes a file into the real `mariadb` client (args: e.g. `--comments`, to keep comments in routine bodies). */
  source(file: string, database?: string, args?: readonly string[]): Promise<void>;
  /** Runs the real mysqldump with these extra arguments, writing to file. */
  mysqldump(args: readonly string[], file: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startMariaDb(): Promise<MariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'mds-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'sock');
  const user = userInfo().username;
  await execa('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', `--user=${user}`, '--skip-test-db']);
  const port = await freePort();
  const server: ResultPromise = execa(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--user=${user}`,
      `--pid-file=${join(dir, 'mariadbd.pid')}`,
      `--log-error=${join(dir, 'error.log')}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=32M',
      '--innodb-log-file-size=16M',
      '--character-set-server=utf8mb4',
    ],
    { reject: false, stdio: 'ignore' },
  );
  const client = ['--no-defaults', `--socket=${socket}`, '--user=root', '--default-character-set=utf8mb4'];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ping = await execa('mariadb-admin', [...client, 'ping'], { reject: false });
    if (ping.exitCode === 0) break;
    if (Date.now() > deadline || server.exitCode !== null) {
      server.kill();
      throw new Error(`mariadbd did not start: ${ping.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    dir,
    socket,
    port,
    async sql(query, database) {
      const result = await execa('mariadb', [...client, '--batch', '--skip-column-names', ...(database ? [database] : []), '-e', query]);
      return result.stdout;
    },
    async source(file, database, args = []) {
      await execa('mariadb', [...client, ...args, ...(database ? [database] : [])], { inputFile: file });
    },
    async mysqldump(args, file) {
      await execa('mysqldump', [...client, ...args], { stdout: { file } });
    },
    async stop() {
      server.kill('SIGTERM');
      await Promise.race([server, new Promise((r) => setTimeout(r, 15_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
