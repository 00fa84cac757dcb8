// Listing variants the real programs print with a flag more: du --time's column, ls's quoting
// styles (-Q, the shell styles), ls -F/-p/--file-type's indicators, ls -i/-s columns and -h
// sizes. Each is made by the real GNU ls or du over a tree of awkward names and is either
// read to the totals summed from lstat (expectedReport), or refused: exit 1 and a message
// naming the way out. Never read with the quotes, the date or the indicator in the names.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsPath, nameFromBytes } from '@rclone-b2/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedReport, parseReport, run, type ExpectOptions } from './helpers.js';

let parent: string;
const C = { ...process.env, LC_ALL: 'C' };
const sorted = (map: Map<string, number>): Record<string, number> => Object.fromEntries([...map].sort());
const listing = async (command: string, args: string[], cwd = parent): Promise<Buffer> => {
  const { stdout } = await execa(command, args, { cwd, env: C, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout);
};
const LS: ExpectOptions = { prefix: '', symlinks: 'lstat', emptyDirs: true, dirOwnSize: false };
const DU: ExpectOptions = { ...LS, dirOwnSize: true };
const BAD = nameFromBytes(Buffer.from('626164ff', 'hex')); // "bad\xff"

/** `dir` under parent: the awkward names (no newline where `withNewline` is false: plain ls cannot show one). */
function makeTree(dir: string, withNewline: boolean): void {
  const root = join(parent, dir);
  const file = (name: string, size: number, mode = 0o644): void => {
    writeFileSync(fsPath(join(root, name)), Buffer.alloc(size, 0x78));
    chmodSync(fsPath(join(root, name)), mode);
  };
  mkdirSync(join(root, 'sub dir'), { recursive: true });
  mkdirSync(join(root, 'q"d'));
  file('a b', 1);
  file('tab\tx', 2);
  if (withNewline) file('nl\nx', 3);
  file('q"uote', 4);
  file("s'q", 5);
  file('back\\slash', 6);
  file('star*', 7); // not executable: the `*` is the name's
  file('exe*', 8, 0o755); // executable: -F prints `exe**`
  file('exe', 9, 0o755);
  file('at@', 10);
  file('eq=', 11);
  file('pipe|', 12);
  file('x -> y', 13);
  file(BAD, 14);
  file('sub dir/in side', 100);
  file('q"d/h', 200);
  symlinkSync('a b', join(root, 'link'));
  symlinkSync('sub dir', join(root, 'dlink'));
  const old = new Date('2019-03-04T12:00:00Z');
  utimesSync(join(root, 'a b'), old, old);
}

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'tar-ls-du-variants-'));
  makeTree('t', true);
  makeTree('lit', false);
  for (const dir of ['t', 'lit']) {
    await execa('mkfifo', [join(parent, dir, 'fifo')]);
    await execa('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', join(parent, dir, 'sock')]);
  }
  // No directory in it: whether ls ran with -F cannot be seen.
  mkdirSync(join(parent, 'flat'));
  writeFileSync(join(parent, 'flat', 'x*'), 'xx');
  chmodSync(join(parent, 'flat', 'x*'), 0o755);
  writeFileSync(join(parent, 'flat', 'y'), 'y');
  chmodSync(join(parent, 'flat', 'y'), 0o755);
  // -p: an executable whose name ends in `*` listed before one that proves there is no -F.
  mkdirSync(join(parent, 'pee/d'), { recursive: true });
  writeFileSync(join(parent, 'pee', 'a*'), 'xx');
  chmodSync(join(parent, 'pee', 'a*'), 0o755);
  writeFileSync(join(parent, 'pee', 'z'), 'z');
  chmodSync(join(parent, 'pee', 'z'), 0o755);
  // ls -h: a file of 2000 bytes (`2.0K`).
  mkdirSync(join(parent, 'big'));
  writeFileSync(join(parent, 'big', 'f'), Buffer.alloc(2000));
  // ls --time-style=+%Y-%m-%d: a name that starts like a clock.
  mkdirSync(join(parent, 'clock'));
  writeFileSync(join(parent, 'clock', '10:00 x'), 'x');
  writeFileSync(join(parent, 'clock', 'plain'), 'x');
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const expectReport = (stdout: string, dir: string, options: ExpectOptions): void => {
  expect(sorted(parseReport(stdout))).toEqual(sorted(expectedReport(join(parent, dir), { ...options, prefix: dir })));
};

describe('du --time: the time column is dropped, the path kept exactly', () => {
  it.each<[string, string[]]>([
    ['du -ab0 --time', ['--time']],
    ['du -ab0 --time=ctime', ['--time=ctime']],
    ['du -ab0 --time=atime', ['--time=atime']],
    ['du -ab0 --time --time-style=full-iso', ['--time', '--time-style=full-iso']],
    ['du -ab0 --time --time-style=long-iso', ['--time', '--time-style=long-iso']],
    ['du -ab0 --time --time-style=iso', ['--time', '--time-style=iso']],
  ])('%s (names with tabs, newlines, spaces)', async (_name, flags) => {
    const text = await listing('du', ['-ab0', ...flags, 't']);
    const result = await run(['-0'], text);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, 't', DU);
  });

  it('du -b --time (directories only): the same report as du -b', async () => {
    const timed = await run([], await listing('du', ['-b', '--time', 'lit']));
    const plain = await run([], await listing('du', ['-b', 'lit']));
    expect(timed).toMatchObject({ code: 0, stderr: '' });
    expect(timed.stdout).toBe(plain.stdout);
    expect(parseReport(timed.stdout).get('lit/sub dir')).toBeGreaterThan(100);
  });

  it('du -abc --time: the grand total is still not counted', async () => {
    const result = await run([], await listing('du', ['-abc', '--time', 'lit']));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, 'lit', DU);
  });

  it.each([['+%s'], ['+%Y-%m-%d_%H:%M'], ['+']])('du --time --time-style=%s is refused: exit 1, nothing counted', async (style) => {
    const result = await run([], await listing('du', ['-ab', '--time', `--time-style=${style}`, 'lit']));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('du --time --time-style=+FORMAT cannot be told from names holding tabs; nothing read');
  });

  it('plain du -ab whose first name holds a tab is plain du (a later line has no second tab)', async () => {
    const result = await run([], await listing('du', ['-ab', 'tab\tx', 'a b'], join(parent, 'lit')));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('2\ttab\\tx\n1\ta b\n');
  });
});

describe('ls -Q / --quoting-style=c: names decoded, quotes not part of them', () => {
  it.each<[string, string[]]>([
    ['ls -lRQ', ['-lRQ']],
    ['ls -lR --quoting-style=c', ['-lR', '--quoting-style=c']],
    ['ls -lR --quoting-style=clocale', ['-lR', '--quoting-style=clocale']],
    ['ls -lRQF', ['-lRQF']],
    ['ls -lRQa', ['-lRQa']],
  ])('%s', async (_name, flags) => {
    const result = await run([], await listing('ls', [...flags, 't']));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, 't', LS);
  });
});

describe('shell quoting styles are refused, naming ls -lRb', () => {
  it.each([['shell'], ['shell-escape'], ['shell-always'], ['shell-escape-always'], ['locale']])('--quoting-style=%s: exit 1', async (style) => {
    const result = await run([], await listing('ls', ['-lR', `--quoting-style=${style}`, 't']));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('names are quoted with single quotes');
    expect(result.stderr).toContain('ls -lRb');
  });
});

describe('ls -F / --file-type / -p: indicators dropped only where ls put them', () => {
  it.each<[string, string[], string]>([
    ['ls -lRbF', ['-lRbF'], 't'],
    ['ls -lRb --classify', ['-lRb', '--classify'], 't'],
    ['ls -lRb --file-type', ['-lRb', '--file-type'], 't'],
    ['ls -lRbp', ['-lRbp'], 't'],
    ['ls -lRbFa (./ and ../)', ['-lRbFa'], 't'],
    ['ls -lRF (no -b)', ['-lRF'], 'lit'],
    ['ls -lRp (no -b)', ['-lRp'], 'lit'],
    ['ls -lRbF --group-directories-first', ['-lRbF', '--group-directories-first'], 't'],
  ])('%s', async (_name, flags, dir) => {
    const result = await run([], await listing('ls', [...flags, dir]));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, dir, LS);
    expect(result.stdout).toContain(`7\t${dir}/star*\n`);
    expect(result.stdout).toContain(`8\t${dir}/exe*\n`);
  });

  it('no directory entry to tell: names ending in `*` counted as written, exit 1', async () => {
    const result = await run([], await listing('ls', ['-lRbF', 'flat']));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the listing has no directory entry to show whether ls ran with it');
    const plain = await run([], await listing('ls', ['-lRb', 'flat']));
    expect(plain).toMatchObject({ code: 0, stderr: '' });
    expectReport(plain.stdout, 'flat', LS);
  });

  it('ls -p, an executable named `a*` before the proof that ls ran without -F: exit 1', async () => {
    const result = await run([], await listing('ls', ['-lRbp', 'pee']));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the listing is not ls -F');
  });
});

describe('ls -i, -s columns read; ls -h and unknown --time-style=+FORMAT never read silently', () => {
  it.each<[string, string[]]>([
    ['ls -lRbi', ['-lRbi', 't']],
    ['ls -lRbs', ['-lRbs', 't']],
    ['ls -lRbis', ['-lRbis', 't']],
    ['ls -lRbn', ['-lRbn', 't']],
  ])('%s', async (_name, args) => {
    const result = await run([], await listing('ls', args));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, 't', LS);
  });

  it('ls -li FILE (no header: not rclone ls with the inode as size)', async () => {
    const result = await run([], await listing('ls', ['-li', 'big/f']));
    expect(result).toEqual({ code: 0, stdout: '2000\tbig\n2000\tbig/f\n', stderr: '' });
  });

  it.each([['-lRh'], ['-lR --si'], ['-lRsh']])('ls %s: refused, exit 1, says -h', async (flags) => {
    const result = await run([], await listing('ls', [...flags.split(' '), 'big']));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sizes are not in bytes');
    expect(result.stdout).not.toContain('big/f');
  });

  it('ls --time-style=+%Y-%m-%d: a name without a clock in front is refused, exit 1', async () => {
    const result = await run([], await listing('ls', ['-lR', '--time-style=+%Y-%m-%d', 'clock']));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot parse ls line: ".* plain"/);
  });
});
