// A wrong B2 endpoint fails at once and says which endpoint (rclone fails in 0.2 s; our
// tools used to retry silently for ~25 s). Transient failures are retried, and -v says so.
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obscure } from 'b2-emulator';
import { binOf, sourceFiles, startWorld, T0, writeFiles, type Tool, type World } from './support/world.js';
import { seededRandom } from '@rclone-b2/core';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('B2 tools against an unreachable endpoint', () => {
  let conf: string;
  let endpoint: string;
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ name: 'fail-fast' });
    endpoint = `http://127.0.0.1:${await closedPort()}`;
    conf = join(world.dir, 'unreachable.conf');
    await writeFile(conf, ['[b2x]', 'type = b2', 'account = 000keyid', 'key = K000secretkey123', `endpoint = ${endpoint}`, '', '[secret]', 'type = crypt', 'remote = b2x:bucket-x/backup', `password = ${obscure('pw')}`, ''].join('\n'));
  });

  afterAll(async () => {
    await world?.close();
  });

  it.each<[Tool, string[]]>([
    ['b2-prune', ['-n']],
    ['encrypted-du', []],
    ['encrypted-restore', ['--all', 'secret:', '/nonexistent-restore-target']],
  ])('%s fails in under 2 s with one line naming the endpoint, exit 1', async (tool, args) => {
    const spawn = (config: string) =>
      execa('node', [binOf(tool), '--rclone-config', config, ...args], { reject: false, env: { HOME: world.dir, PATH: process.env.PATH ?? '' }, extendEnv: false });
    // Node's start-up on a loaded machine is not what is measured: a run that stops at a
    // missing config file (exit 2, no network) is the baseline
    let started = Date.now();
    expect((await spawn(join(world.dir, 'missing.conf'))).exitCode).toBe(2);
    const baseline = Date.now() - started;
    started = Date.now();
    const r = await spawn(conf);
    const elapsed = Date.now() - started;
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toBe(`${tool}: cannot reach the B2 API at ${endpoint}: connection refused`);
    expect(String(r.stderr)).not.toMatch(/secretkey123/);
    expect(elapsed - baseline, `${elapsed} ms, start-up baseline ${baseline} ms`).toBeLessThan(2000);
  });

  it('a reachable but flaky server is retried, and -v logs each retry with its reason and back-off', async () => {
    await writeFiles(world.source, sourceFiles(seededRandom(3), 5, 'x'), T0);
    await execa('rclone', ['--config', world.config.configPath, 'copy', world.source, `${world.config.cryptPath}data`]);
    world.emulator.setFaults([{ kind: '503', every: 1, limit: 2, calls: ['b2_list_file_versions'] }]);
    const r = await world.run('encrypted-du', ['-v', '--ls', '--rclone-config', world.config.configPath]);
    expect(r.code, r.err).toBe(0);
    const retries = r.err.split('\n').filter((line) => line.includes('retry'));
    expect(retries).toEqual([
      expect.stringMatching(/^encrypted-du: b2_list_file_versions: 503 service_unavailable \(Service unavailable \(injected\)\); retry 1\/5 in \d+\.\d s$/),
      expect.stringMatching(/^encrypted-du: b2_list_file_versions: 503 service_unavailable \(Service unavailable \(injected\)\); retry 2\/5 in \d+\.\d s$/),
    ]);
    // without -v the same run is quiet about it
    world.emulator.setFaults([{ kind: '503', every: 1, limit: 1, calls: ['b2_list_file_versions'] }]);
    const quiet = await world.run('encrypted-du', ['--ls', '--rclone-config', world.config.configPath]);
    expect(quiet.code).toBe(0);
    expect(quiet.err).not.toMatch(/retry/);
  });

  it('B2 test modes forced on the emulator: an exceeded cap fails at once and says so; expiring tokens are renewed', async () => {
    world.emulator.setFaults();
    world.emulator.setTestMode('force_cap_exceeded');
    try {
      const capped = await world.run('encrypted-du', ['--ls', '--rclone-config', world.config.configPath]);
      expect(capped.code).toBe(1);
      expect(capped.err).toMatch(/^encrypted-du: b2_list_buckets: 403 transaction_cap_exceeded: Transaction cap exceeded/);
      world.emulator.setTestMode('expire_some_account_authorization_tokens');
      const renewed = await world.run('encrypted-du', ['--ls', '--rclone-config', world.config.configPath]);
      expect(renewed.code, renewed.err).toBe(0);
      expect(renewed.out.trim().split('\n')).toHaveLength(5);
    } finally {
      world.emulator.setTestMode();
    }
  });
});
