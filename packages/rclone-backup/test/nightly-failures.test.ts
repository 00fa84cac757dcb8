import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInMemory, type InMemoryRun } from '@rclone-b2/core/testing';
import { nightlyMain } from '../src/nightly-main.js';
import { cleanup, memoryIO, tempDir, writeConfig, writeTree } from './helpers.js';

/**
 * "Never dies silently": each way the nightly run can break must give one line on
 * stderr (no stack), a non-zero status, the fail ping when a URL is configured, and
 * never the ping URL's secret part in any output.
 */

const UUID = '5f1d2c3b-0a9e-4d8c-b7a6-123456789abc';

interface Ping {
  method: string;
  path: string;
  body: string;
}

const pings: Ping[] = [];
const held: ServerResponse[] = [];
const sockets = new Set<Socket>();
let server: Server;
let base = '';
let refused = '';

beforeAll(async () => {
  // /ok/… answers 200, /down/… 503, /slow/… never answers.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      pings.push({ method: req.method ?? '', path, body });
      if (path.startsWith('/slow/')) held.push(res);
      else if (path.startsWith('/down/')) res.writeHead(503).end('down');
      else res.end('OK');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nobody listens on: a server that was there and is gone.
  const gone = createServer();
  await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
  refused = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise<void>((r) => gone.close(() => r()));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

function setup(settings: string) {
  const dir = tempDir('rb-nightly-fail-');
  dirs.push(dir);
  const configDir = join(dir, 'configs');
  const stateDir = join(dir, 'state');
  mkdirSync(configDir);
  writeTree(join(dir, 'src'), { 'a.txt': 'alpha', 'b/c.txt': 'gamma' });
  writeConfig(configDir, 'alpha', `[default]\nsource = ${dir}/src\ndestination = ${dir}/dst\n`);
  const defaults = join(dir, 'defaults');
  writeFileSync(defaults, `HEALTHCHECK_TIMEOUT=1s\n${settings}`);
  return { dir, configDir, stateDir, defaults, args: ['--config-dir', configDir, '--state-dir', stateDir, '--defaults-file', defaults] };
}

const run = (argv: string[]): Promise<InMemoryRun> => runInMemory('rclone-backup-nightly', nightlyMain, argv, memoryIO());

/** Exactly one line on stderr, matching `pattern`, and no stack trace. */
function expectOneLine(result: InMemoryRun, pattern: RegExp): void {
  const lines = result.err.split('\n').filter(Boolean);
  expect(lines, result.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^(\[\w+\] )?rclone-backup(-nightly)?: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.err).not.toMatch(/^\s+at /m);
}

/** The secret part of the ping URL appears nowhere: not in output, not in the log. */
function expectNoSecret(result: InMemoryRun, stateDir?: string): void {
  expect(result.err).not.toContain(UUID);
  expect(result.out).not.toContain(UUID);
  if (stateDir) {
    let log = '';
    try {
      log = readFileSync(join(stateDir, 'nightly.log'), 'utf8');
    } catch {
      // no log: nothing to leak
    }
    expect(log).not.toContain(UUID);
  }
}

const paths = () => pings.map((p) => `${p.method} ${p.path}`);

describe('rclone-backup-nightly never dies silently', () => {
  it('a log file in a missing directory: the backups still run, one line, fail ping, exit 1', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/ok/${UUID}\n`);
    pings.length = 0;
    const result = await run([...t.args, '-q', '--log-file', join(t.dir, 'no-such-dir', 'nightly.log')]);
    expect(result.code).toBe(1);
    expectOneLine(result, /cannot open the log file .*no-such-dir\/nightly\.log: no such file or directory; carrying on without it$/);
    expect(readFileSync(join(t.dir, 'dst', 'a.txt'), 'utf8')).toBe('alpha');
    expect(paths()).toEqual([`POST /ok/${UUID}/start`, `POST /ok/${UUID}/fail`]);
    expect(pings[1]?.body).toMatch(/cannot open the log file/);
    expectNoSecret(result, t.stateDir);
  });

  it('a log file that fails on write (/dev/full): one line, fail ping, exit 1', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/ok/${UUID}\n`);
    pings.length = 0;
    const result = await run([...t.args, '-q', '--log-file', '/dev/full']);
    expect(result.code).toBe(1);
    expectOneLine(result, /cannot write the log file \/dev\/full: no space left on device; carrying on without it$/);
    expect(paths()).toEqual([`POST /ok/${UUID}/start`, `POST /ok/${UUID}/fail`]);
    expectNoSecret(result);
  });

  it('a missing config directory: one line, fail ping, exit 2', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/ok/${UUID}\n`);
    pings.length = 0;
    const result = await run(['--config-dir', join(t.dir, 'nowhere'), '--state-dir', t.stateDir, '--defaults-file', t.defaults]);
    expect(result.code).toBe(2);
    expectOneLine(result, /cannot read the config directory .*\/nowhere: no such file or directory$/);
    expect(paths()).toEqual([`POST /ok/${UUID}/fail`]);
    expect(pings[0]?.body).toMatch(/nowhere: no such file or directory/);
    expectNoSecret(result, t.stateDir);
  });

  it('a state directory that cannot be created: one line, fail ping, exit 2', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/ok/${UUID}\n`);
    pings.length = 0;
    const result = await run(['--config-dir', t.configDir, '--state-dir', join(t.defaults, 'state'), '--defaults-file', t.defaults]);
    expect(result.code).toBe(2);
    expectOneLine(result, /cannot create the state directory .*: not a directory$/);
    expect(paths()).toEqual([`POST /ok/${UUID}/fail`]);
    expectNoSecret(result);
  });

  it('an unreadable config: that backup fails in one line, fail ping, exit 2', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/ok/${UUID}\n`);
    mkdirSync(join(t.configDir, 'broken.conf'));
    pings.length = 0;
    const result = await run([...t.args, '-q']);
    expect(result.code).toBe(2);
    expectOneLine(result, /^\[broken\] rclone-backup: cannot open ".*broken\.conf": is a directory$/);
    expect(readFileSync(join(t.dir, 'dst', 'a.txt'), 'utf8')).toBe('alpha');
    expect(paths()).toEqual([`POST /ok/${UUID}/start`, `POST /ok/${UUID}/fail`]);
    expect(pings[1]?.body).toMatch(/broken: failed \(exit status 2\)/);
    expectNoSecret(result, t.stateDir);
  });

  it('a config whose file name is not UTF-8: said and counted, the others run, exit 2', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/ok/${UUID}\n`);
    // "café.conf" in Latin-1: the é is the single byte 0xe9.
    writeFileSync(Buffer.concat([Buffer.from(`${t.configDir}/caf`), Buffer.from([0xe9]), Buffer.from('.conf')]), '[default]\n');
    pings.length = 0;
    const result = await run([...t.args, '-q']);
    expect(result.code).toBe(2);
    expectOneLine(result, /config file name "caf\uFFFD\.conf" in .*configs is not valid UTF-8: rename it; not run$/);
    expect(readFileSync(join(t.dir, 'dst', 'a.txt'), 'utf8')).toBe('alpha');
    expect(paths()).toEqual([`POST /ok/${UUID}/start`, `POST /ok/${UUID}/fail`]);
  });

  it('an unreadable defaults file: one line, fail ping to the --healthcheck-url, exit 2', async () => {
    const t = setup('');
    pings.length = 0;
    const result = await run(['--config-dir', t.configDir, '--state-dir', t.stateDir, '--defaults-file', t.configDir, '--healthcheck-url', `${base}/ok/${UUID}`]);
    expect(result.code).toBe(2);
    expectOneLine(result, /cannot read the defaults file .*\/configs: is a directory$/);
    expect(paths()).toEqual([`POST /ok/${UUID}/fail`]);
    expectNoSecret(result);
  });

  it('an invalid health-check URL is refused without printing it, exit 2', async () => {
    const t = setup(`HEALTHCHECK_URL=hc-ping.com/${UUID}\n`);
    const result = await run(t.args);
    expect(result.code).toBe(2);
    expectOneLine(result, /HEALTHCHECK_URL in .*defaults is not a valid URL$/);
    expectNoSecret(result);
  });

  it.each([
    ['times out', () => `${base}/slow/${UUID}`, /no answer within 1s \(the start ping failed too\)$/, [`POST /slow/${UUID}/start`, `POST /slow/${UUID}`]],
    ['refuses the connection', () => `${refused}/${UUID}`, /connection refused \(the start ping failed too\)$/, []],
    ['answers 503', () => `${base}/down/${UUID}`, /answered HTTP 503 \(the start ping failed too\)$/, [`POST /down/${UUID}/start`, `POST /down/${UUID}`]],
  ])('a health check that %s: the backups succeed, one line, exit 1, in bounded time', async (_what, url, pattern, received) => {
    const t = setup(`HEALTHCHECK_URL=${url()}\n`);
    pings.length = 0;
    const started = Date.now();
    const result = await run([...t.args, '-q']);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.code).toBe(1);
    expectOneLine(result, /all backups succeeded, but the health check could not be told: http:\/\/127\.0\.0\.1:\d+\/…(: | answered)/);
    expectOneLine(result, pattern);
    expect(paths()).toEqual(received);
    expect(readFileSync(join(t.dir, 'dst', 'a.txt'), 'utf8')).toBe('alpha');
    expectNoSecret(result, t.stateDir);
    expect(readFileSync(join(t.stateDir, 'nightly.log'), 'utf8')).toMatch(/health check could not be told: http:\/\/127\.0\.0\.1:\d+\/…/);
  }, 60_000);

  it('a failing backup with a health check answering 503: the fail ping is still sent, both failures said', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/down/${UUID}\n`);
    writeConfig(t.configDir, 'gone', `[default]\nsource = ${t.dir}/missing\ndestination = ${t.dir}/dst-gone\n`);
    pings.length = 0;
    const result = await run([...t.args, '-q']);
    expect(result.code).toBe(3);
    expect(paths()).toEqual([`POST /down/${UUID}/start`, `POST /down/${UUID}/fail`]);
    const lines = result.err.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[gone\] rclone-backup: source .* does not exist/);
    expect(lines[1]).toMatch(/^rclone-backup-nightly: the health check could not be told: http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 503 \(the start ping failed too\)$/);
    expectNoSecret(result, t.stateDir);
    // Nor with -vv, which echoes every rclone command and record.
    const verbose = await run([...t.args, '-vv']);
    expect(verbose.code).toBe(3);
    expect(verbose.err).toMatch(/running rclone/);
    expectNoSecret(verbose, t.stateDir);
  }, 60_000);

  it('a start ping that fails while the result ping gets through: said, exit 0', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/ok/${UUID}\n`);
    // A server that refuses only the first request (the start ping).
    let first = true;
    const flaky = createServer((req, res) => {
      req.resume();
      if (first) {
        first = false;
        res.writeHead(500).end();
      } else res.end('OK');
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    writeFileSync(t.defaults, `HEALTHCHECK_URL=http://127.0.0.1:${(flaky.address() as AddressInfo).port}/${UUID}\n`);
    try {
      const result = await run([...t.args, '-q']);
      expect(result.code).toBe(0);
      expectOneLine(result, /the health check's start ping failed: http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500 \(the result got through\)$/);
      expectNoSecret(result, t.stateDir);
    } finally {
      await new Promise<void>((r) => flaky.close(() => r()));
    }
  }, 60_000);

  it('a successful run with -q prints nothing at all (cron mails only problems)', async () => {
    const t = setup(`HEALTHCHECK_URL=${base}/ok/${UUID}\n`);
    pings.length = 0;
    const result = await run([...t.args, '-q']);
    expect(result).toEqual({ code: 0, out: '', err: '' });
    expect(paths()).toEqual([`POST /ok/${UUID}/start`, `POST /ok/${UUID}`]);
  }, 60_000);

  it('a corrupt state file is said, and the run carries on from scratch', async () => {
    const t = setup('');
    mkdirSync(t.stateDir);
    writeFileSync(join(t.stateDir, 'alpha.state.json'), '{"stamp": 12');
    const result = await run([...t.args, '-q']);
    expect(result.code).toBe(0);
    expectOneLine(result, /^\[alpha\] rclone-backup-nightly: state file .*alpha\.state\.json is not valid JSON; verifying the last day only$/);
    expect(JSON.parse(readFileSync(join(t.stateDir, 'alpha.state.json'), 'utf8'))).toMatchObject({ files: 2 });
  }, 60_000);
});
