import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIecSize } from '@rclone-b2/core';
import { splitBudget } from '../src/budget.js';
import { readDefaultsFile } from '../src/defaults-file.js';
import { aggregateExit } from '../src/nightly.js';
import { acquireLock, defaultLockDir, lockFor } from '../src/lock.js';
import { nightlyMain } from '../src/nightly-main.js';
import { unitFiles, type UnitKind } from '../src/units.js';
import { cleanup, memoryIO, readTree, tempDir, writeConfig, writeTree } from './helpers.js';

interface Ping {
  method: string;
  url: string;
  body: string;
}

const pings: Ping[] = [];
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      pings.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.end('OK');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

function setup() {
  const dir = tempDir('rb-nightly-');
  dirs.push(dir);
  const configDir = join(dir, 'configs');
  const stateDir = join(dir, 'state');
  mkdirSync(configDir);
  for (const [name, size] of [['alpha', 20_000], ['beta', 60_000]] as const) {
    const src = join(dir, `src-${name}`);
    writeTree(src, { 'one.bin': 'x'.repeat(size / 2), 'sub/two.bin': 'y'.repeat(size / 2) });
    writeConfig(configDir, name, `[default]\nsource = ${src}\ndestination = ${dir}/dst-${name}\n`);
  }
  writeConfig(configDir, 'gamma', `[default]\nsource = ${dir}/src-gamma-unmounted\ndestination = ${dir}/dst-gamma\n`);
  writeFileSync(join(configDir, 'README'), 'not a config');
  const defaults = join(dir, 'defaults');
  writeFileSync(defaults, `# settings\nHEALTHCHECK_URL="${base}/ping/abc"\nBUDGET=1M\n`);
  return { dir, configDir, stateDir, defaults, args: ['--config-dir', configDir, '--state-dir', stateDir, '--defaults-file', defaults] };
}

describe('rclone-backup-nightly', () => {
  it('runs every config in parallel, prefixes output, aggregates the status, pings, logs, stamps', async () => {
    const t = setup();
    pings.length = 0;
    const io = memoryIO();
    const code = await nightlyMain([...t.args, '-v'], io);
    expect(code).toBe(3);
    expect(Object.keys(readTree(join(t.dir, 'dst-alpha'))).sort()).toEqual(['one.bin', 'sub/two.bin']);
    expect(Object.keys(readTree(join(t.dir, 'dst-beta'))).sort()).toEqual(['one.bin', 'sub/two.bin']);
    expect(existsSync(join(t.dir, 'dst-gamma'))).toBe(false);
    const err = io.err();
    expect(err).toMatch(/^\[gamma\] rclone-backup: source .* does not exist/m);
    expect(err).toMatch(/^\[alpha\] rclone-backup: .*verified within 30d/m);
    expect(err).toMatch(/gamma: failed \(exit status 3\)/);
    // Every line a backup printed carries its name.
    for (const line of err.split('\n').filter(Boolean)) expect(line).toMatch(/^(\[(alpha|beta|gamma)\] |rclone-backup-nightly: )/);
    expect(io.out()).toMatch(/^\[alpha\] \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(@\d+\) (one\.bin|sub\/two\.bin)$/m);
    // Pings: start, then fail with the log tail in the body.
    expect(pings.map((p) => `${p.method} ${p.url}`)).toEqual(['POST /ping/abc/start', 'POST /ping/abc/fail']);
    expect(pings[1]?.body).toMatch(/\[gamma\] rclone-backup: source .* does not exist/);
    // Log file and state.
    const log = readFileSync(join(t.stateDir, 'nightly.log'), 'utf8');
    expect(log).toMatch(/Z \[beta\] /);
    const state = JSON.parse(readFileSync(join(t.stateDir, 'alpha.state.json'), 'utf8')) as { stamp: number; bytes: number };
    expect(state.bytes).toBe(20_000);
    expect(state.stamp).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(existsSync(join(t.stateDir, 'alpha.ledger.jsonl'))).toBe(true);

    // Fix gamma: now everything succeeds and the success ping carries the log.
    writeTree(join(t.dir, 'src-gamma-unmounted'), { 'g.txt': 'g' });
    pings.length = 0;
    const io2 = memoryIO();
    expect(await nightlyMain(t.args, io2)).toBe(0);
    expect(pings.map((p) => `${p.method} ${p.url}`)).toEqual(['POST /ping/abc/start', 'POST /ping/abc']);
    // The budget split follows the sizes recorded last time (beta is 3× alpha).
    const [alpha, beta, gamma] = splitBudget(1024 * 1024, [20_000, 60_000, undefined]).map((b) => formatIecSize(b));
    expect(readFileSync(join(t.stateDir, 'nightly.log'), 'utf8')).toContain(`alpha (verify ≤ ${alpha}), beta (verify ≤ ${beta}), gamma (verify ≤ ${gamma})`);
    expect(beta).not.toBe(alpha);
  });

  it('--json: one JSON document on stdout, a result per config (sync and verify summaries) and the totals', async () => {
    const t = setup();
    const io = memoryIO();
    const code = await nightlyMain([...t.args, '--json'], io);
    expect(code).toBe(3);
    type Result = { name: string; exitCode: number; sync?: { files: { transferred: number }; errors: number }; verify?: { checked: { files: number }; failed: number } };
    const doc = JSON.parse(io.out()) as { command: string; dryRun: boolean; exitCode: number; backups: Result[]; totals: { backups: number; failed: number; transferred: number; verified: number } };
    expect(doc).toMatchObject({ command: 'nightly', dryRun: false, exitCode: 3 });
    expect(doc.backups.map((b) => [b.name, b.exitCode])).toEqual([['alpha', 0], ['beta', 0], ['gamma', 3]]);
    const alpha = doc.backups[0]!;
    expect(alpha.sync).toMatchObject({ files: { transferred: 2 }, errors: 0 });
    expect(alpha.verify?.failed).toBe(0);
    expect(doc.backups[2]!.sync).toBeUndefined();
    expect(doc.totals).toMatchObject({ backups: 3, failed: 1, transferred: 4 });
    expect(doc.totals.verified).toBe(doc.backups.reduce((n, b) => n + (b.verify?.checked.files ?? 0), 0));
    // the jobs' own stdout lines went to the log, not into the document
    expect(readFileSync(join(t.stateDir, 'nightly.log'), 'utf8')).toMatch(/\[alpha\] \d{4}-\d\d-\d\d /);
  });

  it('a second concurrent run is refused by the global lock', async () => {
    const t = setup();
    writeTree(join(t.dir, 'src-gamma-unmounted'), { 'g.txt': 'g' });
    const refusal = (e: { exitCode?: number; message?: string }) => (/already running/.test(e.message ?? '') ? e.exitCode ?? -1 : -1);
    const codes = await Promise.all([nightlyMain(t.args, memoryIO()).catch(refusal), nightlyMain(t.args, memoryIO()).catch(refusal)]);
    expect(codes.sort()).toEqual([0, 3]);
  });

  it('a manual run of one backup holds its lock against the nightly run', async () => {
    const t = setup();
    writeTree(join(t.dir, 'src-gamma-unmounted'), { 'g.txt': 'g' });
    const lock = await lockFor({ file: join(t.configDir, 'beta.conf'), name: 'beta' }, defaultLockDir({}));
    const release = await acquireLock(lock, 'manual run');
    try {
      const io = memoryIO();
      expect(await nightlyMain(t.args, io)).toBe(3);
      expect(io.err()).toMatch(/^\[beta\] rclone-backup: backup beta is already running/m);
      expect(io.err()).toMatch(/alpha: ok/);
    } finally {
      await release();
    }
  });

  it('config errors count as failures; a run with no configs exits 2', async () => {
    const t = setup();
    writeConfig(t.configDir, 'gamma', '[default]\nsource = /x\nnonsense = 1\n');
    const io = memoryIO();
    expect(await nightlyMain([...t.args, '--healthcheck-url', `${base}/other`], io)).toBe(2);
    expect(io.err()).toMatch(/\[gamma\] rclone-backup: .*gamma\.conf:3: unknown key "nonsense"/);
    const empty = join(t.dir, 'empty');
    mkdirSync(empty);
    expect(await nightlyMain(['--config-dir', empty, '--state-dir', t.stateDir, '--defaults-file', t.defaults], memoryIO())).toBe(2);
  });
});

describe('pieces of the runner', () => {
  it.each([
    [1000, [undefined, undefined], [500, 500]],
    [1000, [100, 300], [252, 747]],
    [1000, [100, undefined, 300], [168, 333, 498]],
    [0, [5], [0]],
  ])('splitBudget(%d, %j)', (budget, sizes, shares) => {
    const result = splitBudget(budget, sizes);
    expect(result).toEqual(shares);
    expect(result.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget);
  });
  it.each([
    [[0, 0], 0],
    [[0, 3], 3],
    [[3, 2], 2],
    [[3, 1, 2], 1],
  ])('aggregateExit(%j) = %d', (codes, status) => expect(aggregateExit(codes)).toBe(status));
  it('reads a defaults file without a shell', async () => {
    const dir = tempDir();
    dirs.push(dir);
    writeFileSync(join(dir, 'd'), `# c\nCANARY=https://example.invalid/x  # trailing\nexport HEALTHCHECK_URL='https://hc.example.invalid/p?a=1'\nBUDGET="2G"\nnot a line\n`);
    expect(await readDefaultsFile(join(dir, 'd'))).toEqual({ CANARY: 'https://example.invalid/x', HEALTHCHECK_URL: 'https://hc.example.invalid/p?a=1', BUDGET: '2G' });
    expect(await readDefaultsFile(join(dir, 'missing'))).toEqual({});
  });
  it.each([
    ['systemd', 'scripts/systemd/system'],
    ['systemd-user', 'scripts/systemd/user'],
    ['cron', 'scripts/cron'],
    ['cron.d', 'scripts/cron/cron.d'],
  ] as const)('%s units equal the files in %s, print and install', async (kind: UnitKind, dir) => {
    const root = join(__dirname, '../../..');
    for (const unit of unitFiles(kind)) expect(readFileSync(join(root, dir, unit.name), 'utf8')).toBe(unit.text);
    const io = memoryIO();
    expect(await nightlyMain(['--print-units', kind, '--bin', '/opt/x/nightly'], io)).toBe(0);
    expect(io.out()).toContain('/opt/x/nightly');
    if (kind.startsWith('systemd')) expect(io.out()).toMatch(/Persistent=true[\s\S]*RandomizedDelaySec=1h|RandomizedDelaySec=1h[\s\S]*Persistent=true/);
    const target = tempDir();
    dirs.push(target);
    const install = memoryIO();
    expect(await nightlyMain(['--install-units', kind, '--units-dir', target], install)).toBe(0);
    expect(install.out()).toMatch(/next: /);
    for (const unit of unitFiles(kind)) expect(readFileSync(join(target, unit.name), 'utf8')).toBe(unit.text);
  });
});
