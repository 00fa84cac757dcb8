import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { startEmulator, writeRcloneTestConfig, type Emulator, type RcloneTestConfig } from 'b2-emulator';
import { type B2Usage } from '@rclone-b2/core';
import { servedSince } from 'b2-emulator/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nightlyMain } from '../src/nightly-main.js';
import { runHistoryPath, type RunRecord } from '../src/run-history.js';
import { cleanup, memoryIO, run, tempDir, writeConfig, writeTree } from './helpers.js';


describe('rclone-backup counts the B2 calls its rclone runs make', () => {
  const dir = tempDir('rb-usage-');
  const src = join(dir, 'src');
  let emulator: Emulator;
  let rc: RcloneTestConfig;
  let conf: string;
  const lock = ['--lock-dir', dir];
  beforeAll(async () => {
    emulator = await startEmulator();
    rc = await writeRcloneTestConfig({ emulator, dir, bucket: 'usage-bucket', password: 'crypt-password-xyz', password2: 'crypt-salt-xyz' });
    writeTree(src, { 'a.txt': 'alpha', 'deep/b.bin': 'b'.repeat(70_000), 'deep/c.txt': 'charlie' });
    conf = writeConfig(dir, 'usage', `[default]\nsource = ${src}\ndestination = ${rc.cryptPath}usage\n`);
  });
  afterAll(async () => {
    await emulator.close();
    cleanup(dir);
  });

  /** Stored (encrypted) sizes of everything in the bucket, as rclone lists them. */
  async function storedBytes(): Promise<number> {
    const { stdout } = await execa('rclone', ['--config', rc.configPath, 'lsjson', '-R', '--files-only', rc.b2Path]);
    return (JSON.parse(stdout) as Array<{ Size: number }>).reduce((n, f) => n + f.Size, 0);
  }

  it('sync: --json calls by name and class equal what the emulator served; bytes up equal the stored bytes', async () => {
    const before = new Map(emulator.stats);
    const r = await run([conf, '--json', '-v', '--rclone-config', rc.configPath, ...lock]);
    expect(r.code).toBe(0);
    const b2 = (JSON.parse(r.out) as { b2: B2Usage }).b2;
    const served = servedSince(emulator.stats, before);
    expect(b2.calls).toEqual(served.calls);
    expect(b2.transactions).toEqual(served.transactions);
    expect(served.calls.b2_upload_file).toBe(3);
    expect(b2.bytesUp).toBe(await storedBytes());
    expect(b2.bytesDown).toBe(0);
    expect(r.err).toMatch(
      new RegExp(
        `^rclone-backup: B2 transactions: class A ${b2.transactions.A}, class B ${b2.transactions.B}, class C ${b2.transactions.C}; .* up, 0 B down$`,
        'm',
      ),
    );
    // the dump is the meter's input, never shown
    expect(r.err).not.toMatch(/HTTP REQUEST|b2api/);
  });

  it('without --json or -v nothing reads the count, so rclone runs without --dump (which forces -vv: a debug record per file)', async () => {
    // A recording wrapper around the real rclone: what matters is the arguments it got.
    const log = join(dir, 'rclone-args.log');
    const wrapper = join(dir, 'rclone-recorder.sh');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec rclone "$@"\n`, { mode: 0o755 });
    writeFileSync(log, '');
    const quiet = await run([conf, '--rclone-config', rc.configPath, ...lock], { RCLONE: wrapper });
    expect(quiet.code).toBe(0);
    const plainRuns = readFileSync(log, 'utf8').trim().split('\n');
    expect(plainRuns.length).toBeGreaterThanOrEqual(1);
    expect(plainRuns.filter((line) => line.includes('--dump'))).toEqual([]);
    writeFileSync(log, '');
    const json = await run([conf, '--json', '--rclone-config', rc.configPath, ...lock], { RCLONE: wrapper });
    expect(json.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/--dump headers/);
    expect((JSON.parse(json.out) as { b2: B2Usage }).b2.transactions.C).toBeGreaterThanOrEqual(1);
  });

  it('verify by download: class B downloads and bytes down equal the emulator count and the stored bytes', async () => {
    const before = new Map(emulator.stats);
    const r = await run([conf, '--json', '-q', '--verify', 'all', '--rclone-config', rc.configPath, ...lock]);
    expect(r.code).toBe(0);
    const b2 = (JSON.parse(r.out) as { b2: B2Usage }).b2;
    const served = servedSince(emulator.stats, before);
    expect(b2.calls).toEqual(served.calls);
    expect(b2.transactions).toEqual(served.transactions);
    expect(b2.transactions.B).toBeGreaterThanOrEqual(3);
    expect(b2.bytesDown).toBe(await storedBytes());
    // -q: nothing but errors, and none
    expect(r.err).toBe('');
  });

  it('the nightly runner totals them per run (--json, the run history) and prices them with --prices', async () => {
    const configDir = join(dir, 'nightly-configs');
    const stateDir = join(dir, 'nightly-state');
    mkdirSync(configDir);
    writeTree(src, { 'new.txt': 'a new file for tonight' });
    writeConfig(configDir, 'usage', readFileSync(conf, 'utf8'));
    // prices where every class C call costs $1 and nothing is free: the line must say so
    const shipped = JSON.parse(readFileSync(join(import.meta.dirname, '../../core/data/b2-prices.json'), 'utf8')) as Record<string, unknown>;
    const prices = join(dir, 'prices.json');
    writeFileSync(
      prices,
      JSON.stringify({
        ...shipped,
        transactions: { A: { price: 0, per: 1, freePerDay: 0 }, B: { price: 0, per: 1, freePerDay: 0 }, C: { price: 1, per: 1, freePerDay: 0 } },
      }),
    );
    const before = new Map(emulator.stats);
    const io = memoryIO();
    const code = await nightlyMain(
      [
        '--config-dir',
        configDir,
        '--state-dir',
        stateDir,
        '--defaults-file',
        join(dir, 'none'),
        '--rclone-config',
        rc.configPath,
        '--json',
        '--prices',
        prices,
      ],
      io,
    );
    expect(code).toBe(0);
    const served = servedSince(emulator.stats, before);
    const doc = JSON.parse(io.out()) as { totals: { b2: B2Usage } };
    expect(doc.totals.b2.calls).toEqual(served.calls);
    expect(doc.totals.b2.transactions).toEqual(served.transactions);
    const [record] = readFileSync(runHistoryPath(stateDir, 'usage'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as RunRecord);
    expect(record?.transactions).toEqual({ ...served.transactions, bytesUp: doc.totals.b2.bytesUp, bytesDown: doc.totals.b2.bytesDown });
    expect(io.err()).toContain(`class C ${served.transactions.C}`);
    expect(io.err()).toMatch(new RegExp(`transactions \\$${served.transactions.C}\\.00 \\(Backblaze B2 prices of`));
    // nothing known to be stored yet (first run): the whole month's budget is beyond the free downloads
    expect(io.err()).toMatch(/verification budget 1\.0 GiB a night \(30 GiB a month\): \$0\.32 a month beyond the free downloads of 0 B a month/);
  });
});
