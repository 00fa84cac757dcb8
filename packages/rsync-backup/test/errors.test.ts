// rsync-backup's error paths through the built bin and the real rsync: each says what went
// wrong in one line, with the exit code the README gives (2 usage/config, 1 a failed run).
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './support/sshd.js';

let dir: string;
let config: string;

/** The bin as cron runs it; the target is a closed port (nothing here may get that far). */
const run = async (args: readonly string[]): Promise<{ code: number | undefined; out: string; err: string }> => {
  const result = await execa('node', [BIN, ...args, '--state-dir', join(dir, 'state'), '--lock-dir', dir], { reject: false, cwd: dir, stripFinalNewline: false });
  return { code: result.exitCode, out: String(result.stdout), err: String(result.stderr) };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rsync-backup-errors-'));
  await mkdir(join(dir, 'src', 'data'), { recursive: true });
  await writeFile(join(dir, 'src', 'data', 'a.txt'), 'a\n');
  config = join(dir, 'web1.conf');
  await writeFile(config, `[default]\nsource = ${join(dir, 'src')}\ntarget = rsb-web1@127.0.0.1\nssh_port = 1\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an rsync that cannot be started', () => {
  it.each([
    ['a --rsync path that does not exist', (d: string) => join(d, 'no', 'rsync'), 'no such file or directory'],
    ['a --rsync path that is not executable', (d: string) => join(d, 'web1.conf'), 'permission denied'],
  ])('%s: exit 2, naming the program and the reason, never "exit undefined"', async (_, program, reason) => {
    const path = program(dir);
    const result = await run([config, '--rsync', path]);
    expect(result).toEqual({ code: 2, out: '', err: `rsync-backup: cannot run "${path}": ${reason}\n` });
  });

  it('no rsync in PATH: exit 2, said so', async () => {
    const result = await execa(process.execPath, [BIN, config, '--state-dir', join(dir, 'state'), '--lock-dir', dir], { reject: false, cwd: dir, env: { PATH: join(dir, 'empty-path') }, extendEnv: false, stripFinalNewline: false });
    expect({ code: result.exitCode, err: result.stderr }).toEqual({ code: 2, err: 'rsync-backup: cannot run "rsync": no such file or directory (not found in PATH: is it installed?)\n' });
  });
});

describe('exclude_from', () => {
  it.each([
    ['a file that does not exist', 'missing.excludes', 'cannot open "DIR/missing.excludes": no such file or directory'],
    ['a directory', 'src', '"DIR/src" is not a file'],
  ])('naming %s: a config error at its line (exit 2) before rsync runs', async (_, name, message) => {
    const file = join(dir, 'excl.conf');
    await writeFile(file, `[default]\nsource = ${join(dir, 'src')}\ntarget = rsb-web1@127.0.0.1\nssh_port = 1\nexclude_from = ${join(dir, name)}\n`);
    const result = await run([file]);
    expect(result).toEqual({ code: 2, out: '', err: `rsync-backup: ${file}:5: exclude_from: ${message.replace('DIR', dir)}\n` });
  });

  it('a relative path is the config directory\'s, wherever the run starts: rsync reads it', async () => {
    await writeFile(join(dir, 'rel.excludes'), '*.tmp\n');
    const file = join(dir, 'rel.conf');
    await writeFile(file, `[default]\nsource = ${join(dir, 'src')}\ntarget = rsb-web1@127.0.0.1\nssh_port = 1\nexclude_from = rel.excludes\n`);
    const result = await execa('node', [BIN, file, '--state-dir', join(dir, 'state'), '--lock-dir', dir], { reject: false, cwd: '/' });
    // Past the config and rsync's listing (which reads the list) to the closed port.
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Connection refused \(ssh could not connect/);
  });
});

describe('ssh_key and known_hosts', () => {
  it.each([
    ['ssh_key', 'no-such-key', 'cannot open "DIR/no-such-key": no such file or directory'],
    ['known_hosts', 'no-such-known-hosts', 'cannot open "DIR/no-such-known-hosts": no such file or directory'],
    ['ssh_key', 'src', '"DIR/src" is not a file'],
  ])('%s naming %s: a config error at its line (exit 2) before ssh runs, never a "could not connect" hint', async (key, name, message) => {
    const file = join(dir, 'keys.conf');
    await writeFile(file, `[default]\nsource = ${join(dir, 'src')}\ntarget = rsb-web1@127.0.0.1\nssh_port = 1\n${key} = ${join(dir, name)}\n`);
    const result = await run([file]);
    expect(result).toEqual({ code: 2, out: '', err: `rsync-backup: ${file}:5: ${key}: ${message.replace('DIR', dir)}\n` });
  });
});

describe('an rsync killed by a signal', () => {
  it('is said as killed by SIGKILL with exit 1, never success or "exit undefined"; no snapshot is recorded', async () => {
    // The real rsync, its ssh held back 5 s, SIGKILLed a second into the transfer (exec keeps the PID).
    const slowSsh = join(dir, 'slow-ssh');
    await writeFile(slowSsh, '#!/bin/sh\nsleep 5\nexec ssh "$@"\n', { mode: 0o755 });
    const wrapper = join(dir, 'rsync-killed');
    await writeFile(
      wrapper,
      `#!/bin/sh\ncase " $* " in *" --list-only "*) exec rsync "$@";; esac\nn=$#; prev=\nfor a in "$@"; do\n  if [ "$prev" = -e ]; then set -- "$@" "${slowSsh}\${a#ssh}"; else set -- "$@" "$a"; fi\n  prev=$a\ndone\nshift $n\n(sleep 1; kill -KILL $$) &\nexec rsync "$@"\n`,
      { mode: 0o755 },
    );
    const result = await run([config, '--rsync', wrapper, '--json']);
    expect(result).toEqual({ code: 1, out: '', err: 'rsync-backup: backup web1 to rsb-web1@127.0.0.1 failed: rsync was killed by SIGKILL; no snapshot was made\n' });
    await expect(readdir(join(dir, 'state'))).rejects.toThrow(); // no last run recorded
  });
});
