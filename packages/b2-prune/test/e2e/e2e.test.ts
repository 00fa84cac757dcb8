// End to end: real rclone writes two years of history into the b2-emulator; b2-prune
// (in-process, or as a process where it gets killed) prunes it through the real B2
// client and crypt code; an independent model of the rules says what must remain.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNameCipher, deriveKeys, seededRandom, type B2FileVersion, type RcloneNameCipher } from '@rclone-b2/core';
import { BUILTIN_POLICIES } from '../../src/index.js';
import { openWithRetry } from '../support/open.js';
import { run } from '../support/io.js';
import { modelKeep } from '../support/model.js';
import { cloneBucket, configFor, NOW, shape, simulateTwoYears, snapshot, type Simulation } from '../support/simulation.js';

/** The real client, with a short retry back-off so fault tests stay fast. */
const FAST = { openBucket: openWithRetry({ baseDelayMs: 20, maxDelayMs: 200, retries: 8 }) };
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'b2-prune.js');
const NOW_ARG = ['--now', new Date(NOW).toISOString()];
let sim: Simulation;
let names: RcloneNameCipher;
let dir: string;
let cloneCount = 0;

const pathOf = (fileName: string): string => names.decryptPath(fileName.slice('backup/'.length));
const visible = (v: B2FileVersion): boolean => v.action === 'upload' || v.action === 'hide';

/** A fresh copy of the simulated bucket and an rclone config for it. */
async function freshBucket(): Promise<{ bucket: string; configPath: string; cryptPath: string; env: Record<string, string> }> {
  cloneCount += 1;
  const bucket = `prune-clone-${cloneCount}`;
  cloneBucket(sim.emulator, 'prune-pristine', bucket);
  const config = await configFor(sim, bucket);
  return { bucket, configPath: config.configPath, cryptPath: config.cryptPath, env: config.env };
}

async function policyFile(lines: string[]): Promise<string> {
  const file = join(dir, `policies-${Math.random().toString(36).slice(2)}.ini`);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** Per name, the fileIds the model says must remain, given the policy for each path. */
function expectedKeep(before: Map<string, B2FileVersion[]>, specFor: (path: string) => string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [name, versions] of before) out.set(name, modelKeep(versions, specFor(pathOf(name)), NOW));
  return out;
}

function remainingIds(after: Map<string, B2FileVersion[]>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [name, versions] of after) out.set(name, new Set(versions.filter(visible).map((v) => v.fileId)));
  return out;
}

function expectSame(actual: Map<string, Set<string>>, expected: Map<string, Set<string>>): void {
  const norm = (m: Map<string, Set<string>>): Record<string, string[]> =>
    Object.fromEntries([...m].filter(([, s]) => s.size > 0).map(([k, s]) => [pathOf(k), [...s].sort()]));
  expect(norm(actual)).toEqual(norm(expected));
}

/** Live files still show the same current version; deleted files show nothing. */
function expectInvariants(before: Map<string, B2FileVersion[]>, after: Map<string, B2FileVersion[]>): void {
  for (const [name, versions] of before) {
    const shownBefore = versions.find(visible);
    const shownAfter = (after.get(name) ?? []).find(visible);
    if (shownBefore?.action === 'upload') expect(shownAfter?.fileId, pathOf(name)).toBe(shownBefore.fileId);
    else expect(shownAfter === undefined || shownAfter.action === 'hide', pathOf(name)).toBe(true);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'b2-prune-e2e-'));
  names = createNameCipher(await deriveKeys('correct horse', 'battery staple'));
  sim = await simulateTwoYears(dir);
  // an untouched copy: every test that needs the simulated history clones this one
  cloneBucket(sim.emulator, 'prune-main', 'prune-pristine');
}, 180_000);

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('b2-prune end to end (rclone + b2-emulator)', () => {
  it('the simulation produced a two-year history', () => {
    const state = snapshot(sim.emulator, 'prune-main');
    const paths = [...state.keys()].map(pathOf).sort();
    expect(paths).toContain('docs/recreated.txt');
    const daily = [...state.entries()].find(([k]) => pathOf(k) === 'docs/daily.txt')![1];
    expect(daily.length).toBeGreaterThan(80);
    const early = [...state.entries()].find(([k]) => pathOf(k) === 'docs/deleted-early.txt')![1];
    expect(early[0]!.action).toBe('hide');
  });

  it('--dry-run decides and reports but deletes nothing', async () => {
    const { configPath } = await freshBucket();
    const bucket = `prune-clone-${cloneCount}`;
    const before = shape(snapshot(sim.emulator, bucket));
    const deletesBefore = sim.emulator.stats.get('b2_delete_file_version') ?? 0;
    const r = await run([...NOW_ARG, '--rclone-config', configPath, '-n', '-v'], FAST);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/docs\/daily\.txt: live/);
    expect(r.out).toMatch(/Dry run: 10 files/);
    expect(shape(snapshot(sim.emulator, bucket))).toEqual(before);
    expect(sim.emulator.stats.get('b2_delete_file_version') ?? 0).toBe(deletesBefore);
  });

  it.each(Object.entries(BUILTIN_POLICIES))('built-in policy %s keeps exactly what the model of the rules keeps', async (name, spec) => {
    const { bucket, configPath } = await freshBucket();
    const before = snapshot(sim.emulator, bucket);
    const file = await policyFile(['[paths]', `* = ${name}`]);
    const r = await run([...NOW_ARG, '--rclone-config', configPath, '--policy-file', file], FAST);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const after = snapshot(sim.emulator, bucket);
    expectSame(remainingIds(after), expectedKeep(before, () => spec));
    expectInvariants(before, after);
  });

  it('path rules pick the policy; rclone still reads every current file', async () => {
    const before = snapshot(sim.emulator, 'prune-main');
    const file = await policyFile([
      '[policies]',
      'keep3 = last=3',
      '[paths]',
      'archives/ = never',
      '*/.git/ = one_week',
      'keepers/ = keep3',
      'docs/deleted = one_month',
    ]);
    const r = await run([...NOW_ARG, '--rclone-config', sim.config.configPath, '--policy-file', file, '--json', '--transfers', '4'], FAST);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out.trim().split('\n').pop()!) as { filesSeen: number; versionsDeleted: number; failures: number };
    expect(summary).toMatchObject({ filesSeen: 10, failures: 0 });
    expect(summary.versionsDeleted).toBeGreaterThan(100);
    const specFor = (path: string): string =>
      path.startsWith('archives/') ? '' : path.includes('/.git/') ? BUILTIN_POLICIES.one_week! : path.startsWith('keepers/') ? 'last=3' : path.startsWith('docs/deleted') ? BUILTIN_POLICIES.one_month! : BUILTIN_POLICIES.default!;
    const after = snapshot(sim.emulator, 'prune-main');
    expectSame(remainingIds(after), expectedKeep(before, specFor));
    const archive = [...after.entries()].find(([k]) => pathOf(k) === 'archives/2023/a.tar')![1];
    expect(archive).toHaveLength(1);
    await execa('rclone', ['check', '--download', sim.source, sim.config.cryptPath, '--config', sim.config.configPath], { env: sim.config.env });
    // a second run at the same moment finds nothing more to delete
    const again = await run([...NOW_ARG, '--rclone-config', sim.config.configPath, '--policy-file', file, '--json'], FAST);
    expect(JSON.parse(again.out.trim()) as { versionsDeleted: number }).toMatchObject({ versionsDeleted: 0 });
  });

  it('--purge --force leaves only current versions, and rclone check --download passes', async () => {
    const { bucket, configPath, cryptPath, env } = await freshBucket();
    const r = await run([...NOW_ARG, '--rclone-config', configPath, '--purge', '--force'], FAST);
    expect(r.code).toBe(0);
    const after = snapshot(sim.emulator, bucket);
    for (const [name, versions] of after) {
      expect(versions.map((v) => v.action), pathOf(name)).toEqual(['upload']);
    }
    expect([...after.keys()].map(pathOf).sort()).toEqual(
      ['archives/2023/a.tar', 'docs/daily.txt', 'docs/recreated.txt', 'docs/static.txt', 'docs/weekly.txt', 'keepers/k.txt', 'photos/x.jpg', 'proj/.git/index'].sort(),
    );
    await execa('rclone', ['check', '--download', sim.source, cryptPath, '--config', configPath], { env });
  });
  it('--no-files cancels only unfinished large files older than a day (through the real client)', async () => {
    const { bucket, configPath } = await freshBucket();
    const store = sim.emulator.store;
    const bucketId = store.bucketByName(bucket)!.bucketId;
    const start = (path: string, age: number): string =>
      store.addVersion({ bucketId, fileName: `backup/${names.encryptPath(path)}`, action: 'start', contentLength: 0, contentSha1: 'none', contentType: 'application/octet-stream', fileInfo: {}, uploadTimestamp: NOW - age }).fileId;
    const old = start('big/old.iso', 2 * 86_400_000);
    const fresh = start('big/fresh.iso', 3_600_000);
    const before = shape(snapshot(sim.emulator, bucket));
    const dry = await run([...NOW_ARG, '--rclone-config', configPath, '--no-files', '-n', '-v'], FAST);
    expect(dry.out).toMatch(/big\/old\.iso: unfinished large file started .*: would cancel/);
    expect(shape(snapshot(sim.emulator, bucket))).toEqual(before);
    const r = await run([...NOW_ARG, '--rclone-config', configPath, '--no-files'], FAST);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 unfinished large files older than a day cancelled/);
    expect(store.get(old)).toBeUndefined();
    expect(store.get(fresh)).toBeDefined();
    const after = snapshot(sim.emulator, bucket);
    expect([...after.values()].flat().filter((v) => v.action !== 'start').length).toBe([...snapshot(sim.emulator, 'prune-pristine').values()].flat().length);
  });

  it('-v and --json give every version of a pruned file a reason', async () => {
    const { configPath } = await freshBucket();
    const r = await run([...NOW_ARG, '--rclone-config', configPath, '-n', '-v', '--json'], FAST);
    const files = r.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; versions?: { verdict: string; reason: string }[] }).filter((l) => l.type === 'file');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) for (const v of file.versions!) expect(v.reason).toMatch(/rule|last=/);
  });
});

describe('b2-prune end to end: interruptions and faults', () => {
  let reference: Record<string, string[]>;

  beforeAll(async () => {
    const { bucket, configPath } = await freshBucket();
    const r = await run([...NOW_ARG, '--rclone-config', configPath], FAST);
    expect(r.code).toBe(0);
    reference = shape(snapshot(sim.emulator, bucket));
  });

  it('killed at seeded points, then re-run: invariants hold at every stop, the end equals an uninterrupted run', async () => {
    const { bucket, configPath } = await freshBucket();
    const before = snapshot(sim.emulator, bucket);
    sim.emulator.setFaults([{ kind: 'latency', ms: 15, calls: ['b2_delete_file_version'] }]);
    try {
      let kills = 0;
      // kill after a seeded number of delete calls of this run (printed on failure), so
      // the process dies in the middle of its deletions, not while starting up
      const random = seededRandom(20261206);
      const targets = [1, 2, 3].map(() => 1 + Math.floor(random() * 40));
      for (const target of targets) {
        const deletes = (): number => sim.emulator.stats.get('b2_delete_file_version') ?? 0;
        const start = deletes();
        const child = execa('node', [BIN, ...NOW_ARG, '--rclone-config', configPath, '--transfers', '3'], { reject: false });
        let exited = false;
        void child.finally(() => (exited = true)); // not awaited here: the loop polls `exited`, `await child` follows
        while (!exited && deletes() - start < target) await new Promise((resolve) => setTimeout(resolve, 2));
        if (!exited && child.kill('SIGKILL')) kills += 1;
        await child;
        try {
          expectInvariants(before, snapshot(sim.emulator, bucket));
        } catch (error) {
          throw new Error(`after a kill at ${target} deletions (targets ${targets.join(', ')}): ${(error as Error).message}`);
        }
      }
      expect(kills).toBeGreaterThan(0);
    } finally {
      sim.emulator.setFaults([]);
    }
    const r = await run([...NOW_ARG, '--rclone-config', configPath], FAST);
    expect(r.code).toBe(0);
    expect(shape(snapshot(sim.emulator, bucket))).toEqual(reference);
  });

  it('permanent delete failures: reported, exit 1, invariants hold; a re-run converges', async () => {
    const { bucket, configPath } = await freshBucket();
    const before = snapshot(sim.emulator, bucket);
    // every delete call fails until 30 failures were served; with 2 retries per call
    // about ten deletions fail for good
    sim.emulator.setFaults({ rules: [{ kind: '500', calls: ['b2_delete_file_version'], limit: 30 }] });
    let r;
    try {
      r = await run([...NOW_ARG, '--rclone-config', configPath, '--transfers', '4'], {
        openBucket: openWithRetry({ retries: 2, baseDelayMs: 5, maxDelayMs: 10 }),
      });
    } finally {
      sim.emulator.setFaults([]);
    }
    // a 500 after the last retry says nothing about whether B2 deleted: "not confirmed", not "failed"
    expect(r.err, r.out).toMatch(/deletion not confirmed: /);
    expect(r.out).toMatch(/deletions could not be confirmed/);
    expect(r.code).toBe(1);
    expectInvariants(before, snapshot(sim.emulator, bucket));
    const again = await run([...NOW_ARG, '--rclone-config', configPath], FAST);
    expect(again.code).toBe(0);
    expect(shape(snapshot(sim.emulator, bucket))).toEqual(reference);
  });

  it('lost delete replies (B2 deleted, the answer never came): counted as deleted, the count is what left the bucket', async () => {
    const { bucket, configPath } = await freshBucket();
    const versions = (): number => [...snapshot(sim.emulator, bucket).values()].flat().filter(visible).length;
    const before = versions();
    sim.emulator.setFaults({ seed: 5, rules: [{ kind: 'drop-after', probability: 0.3, calls: ['b2_delete_file_version'] }] });
    let r;
    let dropped;
    try {
      r = await run([...NOW_ARG, '--rclone-config', configPath, '--transfers', '4', '--json', '-v'], FAST);
      dropped = sim.emulator.faultsFired().get('drop-after') ?? 0;
    } finally {
      sim.emulator.setFaults([]);
    }
    expect(dropped).toBeGreaterThan(0);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out.trim().split('\n').pop()!) as { versionsDeleted: number; failures: number; unconfirmed: number };
    expect(summary).toMatchObject({ failures: 0, unconfirmed: 0 });
    expect(summary.versionsDeleted).toBe(before - versions());
    expect(shape(snapshot(sim.emulator, bucket))).toEqual(reference);
  });

  it.each([
    ['429 with Retry-After', [{ kind: '429', probability: 0.2, retryAfter: 0 }]],
    ['503', [{ kind: '503', probability: 0.2 }]],
    ['expired tokens', [{ kind: 'expired', every: 7 }]],
    ['latency', [{ kind: 'latency', ms: 20, probability: 0.5 }]],
  ] as const)('transient %s: same final state', async (_name, rules) => {
    const { bucket, configPath } = await freshBucket();
    sim.emulator.setFaults({ seed: 3, rules: rules.map((x) => ({ ...x })) });
    let r;
    try {
      r = await run([...NOW_ARG, '--rclone-config', configPath, '--transfers', '4'], FAST);
    } finally {
      sim.emulator.setFaults([]);
    }
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(shape(snapshot(sim.emulator, bucket))).toEqual(reference);
  });
});

describe('b2-prune end to end: bad input', () => {
  it('wrong crypt password: clear error, nothing deleted', async () => {
    const { bucket } = await freshBucket();
    const wrong = await configFor(sim, bucket, 'not the password');
    const before = shape(snapshot(sim.emulator, bucket));
    const r = await run([...NOW_ARG, '--rclone-config', wrong.configPath, '--purge', '--force'], FAST);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/names in the bucket decrypt: wrong crypt password.*Nothing was deleted/s);
    expect(r.err).not.toMatch(/not the password/);
    expect(shape(snapshot(sim.emulator, bucket))).toEqual(before);
  });

  it.each(['docs/dail', 'no/such/dir', 'docs/daily.txt/x'])('CRYPT-REMOTE:%s matches nothing: exit 1, nothing deleted (-n and --purge --force)', async (path) => {
    const { bucket, configPath } = await freshBucket();
    const before = shape(snapshot(sim.emulator, bucket));
    for (const flags of [['-n'], ['--purge', '--force']]) {
      const r = await run([...NOW_ARG, '--rclone-config', configPath, ...flags, `secret:${path}`], FAST);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`b2-prune: ${path}: no such file or directory in secret:\n`);
    }
    expect(shape(snapshot(sim.emulator, bucket))).toEqual(before);
  });

  it('a crypt remote over a non-B2 remote is a configuration error', async () => {
    const file = join(dir, 'local.conf');
    await writeFile(file, ['[local]', 'type = local', '', '[secret]', 'type = crypt', `remote = local:${dir}/crypt`, 'password = ' + (await execa('rclone', ['obscure', 'pw'])).stdout].join('\n'));
    const r = await run([...NOW_ARG, '--rclone-config', file], FAST);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a B2 remote/);
  });

  it.each([
    [['[paths]', 'docs/ = nosuch'], /:2: unknown policy "nosuch"/],
    [['[policies]', 'x = 1,*,*,3'], /:2: policy "x": .*wildcard/],
  ])('policy file errors → exit 2 before touching B2 (%j)', async (lines, message) => {
    const file = await policyFile(lines);
    const r = await run([...NOW_ARG, '--rclone-config', sim.config.configPath, '--policy-file', file], FAST);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('an unreachable endpoint fails with a clear error', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const file = join(dir, 'unreachable.conf');
    const obscured = (await execa('rclone', ['obscure', 'pw'])).stdout;
    await writeFile(file, ['[b2x]', 'type = b2', 'account = id', 'key = secretkey123', `endpoint = http://127.0.0.1:${port}`, '', '[secret]', 'type = crypt', 'remote = b2x:bucket-x/backup', `password = ${obscured}`].join('\n'));
    const started = Date.now();
    const r = await run([...NOW_ARG, '--rclone-config', file], { openBucket: openWithRetry({ retries: 1, baseDelayMs: 10 }) });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/b2-prune: .*(ECONNREFUSED|connect|reach|fetch failed|network_error)/i);
    expect(r.err).not.toMatch(/secretkey123/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
