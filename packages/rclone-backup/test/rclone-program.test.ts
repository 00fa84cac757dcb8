import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

describe('an rclone that cannot run, or dies, is said as such', () => {
  const dir = tempDir();
  afterAll(() => cleanup(dir));
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  writeTree(src, { 'a.txt': 'a', 'b/c.txt': 'c' });
  writeTree(dst, { 'old.txt': 'kept' });
  const conf = writeConfig(dir, 'prog', `[default]\nsource = ${src}\ndestination = ${dst}\n`);
  const lock = ['--lock-dir', dir];
  // A program that kills itself: rclone (or a pre_command) dying from a signal.
  const killed = join(dir, 'killed-rclone');
  writeFileSync(killed, '#!/bin/sh\nkill -KILL $$\n');
  chmodSync(killed, 0o755);

  it.each([
    ['a missing RCLONE program', { RCLONE: join(dir, 'no-such-rclone') }, /^rclone-backup: cannot run ".*\/no-such-rclone": no such file or directory\n/],
    ['no rclone in PATH', { PATH: join(dir, 'empty-path') }, /^rclone-backup: cannot run "rclone": no such file or directory \(not found in PATH: is it installed\?\)\n/],
  ])('%s: exit 2 naming the program, never "exit status -1"; the destination untouched', async (_label, env, message) => {
    const result = await run([conf, ...lock], env);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/exit status -1|undefined/);
    expect(readdirSync(dst)).toEqual(['old.txt']);
  });

  it('an rclone killed by a signal: exit 1, "killed by SIGKILL", never an exit status it did not have', async () => {
    const result = await run([conf, ...lock], { RCLONE: killed });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/rclone sync failed \(killed by SIGKILL\)/);
    expect(result.err).not.toMatch(/exit status -1/);
    expect(readdirSync(dst)).toEqual(['old.txt']);
  });

  it.each([
    ['a pre_command that cannot be run', 'no-such-mount-helper', 2, /^rclone-backup: pre_command: cannot run ".*\/no-such-mount-helper": no such file or directory; not syncing\n/],
    ['a pre_command killed by a signal', 'killed-rclone', 1, /^rclone-backup: pre_command failed \(killed by SIGKILL\); not syncing\n/],
  ])('%s: said as such (exit %i), nothing synced', async (_label, program, code, message) => {
    const withPre = writeConfig(dir, 'pre', `[default]\nsource = ${src}\ndestination = ${dst}\npre_command = ${join(dir, program as string)}\n`);
    const result = await run([withPre, ...lock]);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message as RegExp);
    expect(readdirSync(dst)).toEqual(['old.txt']);
  });
});
