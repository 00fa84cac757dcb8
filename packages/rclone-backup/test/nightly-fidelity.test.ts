import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nightlyMain } from '../src/nightly-main.js';
import { cleanup, memoryIO, tempDir, writeConfig, writeTree } from './helpers.js';

const DAY = 86_400_000;
const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

/** One backup whose files are 2 and 10 days old. */
function setup(defaults = '') {
  const dir = tempDir('rb-fidelity-');
  dirs.push(dir);
  const configDir = join(dir, 'configs');
  const stateDir = join(dir, 'state');
  mkdirSync(configDir);
  mkdirSync(stateDir);
  const src = join(dir, 'src');
  writeTree(src, { 'two-days.txt': 'r'.repeat(600) }, Date.now() - 2 * DAY);
  writeTree(src, { 'ten-days.txt': 'o'.repeat(600) }, Date.now() - 10 * DAY);
  writeConfig(configDir, 'photos', `[default]\nsource = ${src}\ndestination = ${dir}/dst\n`);
  const defaultsFile = join(dir, 'defaults');
  writeFileSync(defaultsFile, defaults);
  return { dir, stateDir, args: ['--config-dir', configDir, '--state-dir', stateDir, '--defaults-file', defaultsFile, '--json'] };
}

type Doc = { exitCode: number };

describe('fidelity to the original nightly script (z-rclone-backup-cron)', () => {
  /**
   * Budget for one of the two files. The ledger saw two-days.txt verified yesterday and
   * ten-days.txt never, so without the stamp (age=1d: neither file is young) rotation picks
   * ten-days.txt; with it, two-days.txt is young and goes first.
   */
  function verifiedTonight(t: ReturnType<typeof setup>): string[] {
    const ledger = readFileSync(join(t.stateDir, 'photos.ledger.jsonl'), 'utf8').trimEnd().split('\n');
    return ledger
      .map((l) => JSON.parse(l) as { path: string; verified: number })
      .filter((e) => e.verified > Date.now() - 600_000)
      .map((e) => e.path);
  }
  function withLedger(t: ReturnType<typeof setup>): string[] {
    writeFileSync(join(t.stateDir, 'photos.ledger.jsonl'), `${JSON.stringify({ path: 'two-days.txt', size: 600, verified: Date.now() - DAY })}\n`);
    return [...t.args, '--budget', '1000'];
  }

  it('its STATE-DIR/NAME.stamp (mtime = newest file at the last verified run) is imported once: verify covers the files changed since', async () => {
    const control = setup();
    expect(await nightlyMain(withLedger(control), memoryIO())).toBe(0);
    expect(verifiedTonight(control)).toEqual(['ten-days.txt']);

    // The original left photos.stamp 3 days old: the 2-day-old file counts as changed since.
    const t = setup();
    const stamp = join(t.stateDir, 'photos.stamp');
    writeFileSync(stamp, '');
    const stampTime = Date.now() - 3 * DAY;
    utimesSync(stamp, stampTime / 1000, stampTime / 1000);
    const io = memoryIO();
    expect(await nightlyMain(withLedger(t), io)).toBe(0);
    expect(verifiedTonight(t)).toEqual(['two-days.txt']);
    expect(io.err()).toMatch(/\[photos\] rclone-backup-nightly: imported the original nightly script's stamp .*photos\.stamp/);
    // Imported once: the state now carries the next stamp (the newest file, 2 days old); the old file is left alone.
    const state = JSON.parse(readFileSync(join(t.stateDir, 'photos.state.json'), 'utf8')) as { stamp: number };
    expect(Math.abs(state.stamp * 1000 - (Date.now() - 2 * DAY))).toBeLessThan(120_000);
    const again = memoryIO();
    expect(await nightlyMain(t.args, again)).toBe(0);
    expect(again.err()).not.toMatch(/imported/);
  });

  describe('a failed canary (CANARY= in the defaults file) fails the run, as the original exited 1', () => {
    let server: Server;
    let base = '';
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.statusCode = req.url === '/ok' ? 200 : 500;
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it.each([
      ['a canary that answers', '/ok', 0],
      ['a canary that answers HTTP 500', '/broken', 1],
    ])('%s (%s) → exit %d', async (_what, path, code) => {
      const t = setup(`CANARY=${base}${path}\n`);
      const io = memoryIO();
      expect(await nightlyMain(t.args, io)).toBe(code);
      expect((JSON.parse(io.out()) as Doc).exitCode).toBe(code);
      if (code)
        expect(io.err()).toMatch(
          /^rclone-backup-nightly: all backups succeeded, but the health check could not be told: http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500$/m,
        );
      // the URL is a secret: only scheme://host/… is ever shown
      expect(io.err()).not.toContain(path);
    });

    it('an unreachable canary → exit 1', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      const t = setup(`CANARY=http://127.0.0.1:${port}/x\n`);
      const io = memoryIO();
      expect(await nightlyMain(t.args, io)).toBe(1);
      expect(io.err()).toMatch(/health check could not be told: .*connection refused/);
    });
  });
});
