import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { etaText } from '@rclone-b2/core';
import { main } from '../src/main.js';
import { cleanup, memoryIO, run, tempDir, writeConfig, writeTree } from './helpers.js';

const dir = tempDir('rb-progress-');
afterAll(() => cleanup(dir));

describe('verify progress on a terminal', () => {
  const files = { 'a.bin': 'a'.repeat(3000), 'b/c.bin': 'c'.repeat(1000) };
  writeTree(join(dir, 'src'), files);
  const conf = writeConfig(dir, 'p', `[default]\nsource = ${dir}/src\ndestination = ${dir}/dst\n`);
  const lock = ['--lock-dir', dir];

  it('a sampled verify draws files and bytes of the sample, rate and ETA on stderr when it is a TTY; not with -q, not on a pipe', async () => {
    expect((await run([conf, ...lock])).code).toBe(0);
    const verify = [conf, '--verify', 'files=100%', ...lock];
    const tty = { ...memoryIO({ PATH: process.env.PATH }), stderrIsTTY: true };
    expect(await main(verify, tty)).toBe(0);
    // rewritten in place: carriage return and erase-line (ESC [K) before each drawing
    expect(tty.err()).toContain('\r\u001b[Kverify: 2/2 files, 3.9 KiB/3.9 KiB, ');
    expect(tty.err()).toMatch(/verify: 2\/2 files, 3\.9 KiB\/3\.9 KiB, \S+ \S+\/s, ETA 0ms\n/);
    const quiet = { ...memoryIO({ PATH: process.env.PATH }), stderrIsTTY: true };
    expect(await main([...verify, '-q'], quiet)).toBe(0);
    expect(quiet.err()).not.toContain('verify: ');
    const pipe = await run(verify);
    expect(pipe.err).not.toContain('\r');
  });

  it.each([
    [0, 100, 10, 'ETA -'],
    [50, 100, 10, 'ETA 10s'],
    [100, 100, 10, 'ETA 0ms'],
    [1, 3601, 1, 'ETA 1h'],
  ])('etaText(%i of %i in %is) = %s', (done, total, seconds, text) => {
    expect(etaText(done, total, seconds)).toBe(text);
  });
});
