import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tar-ls-du-bad-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function garbage(bytes: number, seed = 1): Buffer {
  const buf = Buffer.alloc(bytes);
  let s = seed;
  for (let i = 0; i < bytes; i += 1) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    buf[i] = s >>> 24;
  }
  return buf;
}

describe('bad input', () => {
  it('empty input: no output, exit 0', async () => {
    expect(await run([], '')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await run(['--rclone'], '\n\n')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('binary garbage: one clear message, exit 1', async () => {
    const result = await run([], garbage(100_000));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tar-ls-du: \(stdin\): unknown listing format \(first line ".*"\); force one with/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('binary garbage with a forced format: the first 10 bad lines, one count line, the good lines still count', async () => {
    const input = Buffer.concat([Buffer.from('        5 good/file\n'), garbage(20_000, 9), Buffer.from('\n        7 good/other\n')]);
    const result = await run(['--rclone'], input);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('12\tgood\n7\tgood/other\n5\tgood/file\n');
    const warnings = result.stderr.trim().split('\n');
    expect(warnings).toHaveLength(11);
    for (const warning of warnings.slice(0, 10)) expect(warning).toMatch(/^tar-ls-du: \(stdin\):\d+: cannot parse rclone-ls line: "/);
    expect(warnings[10]).toMatch(/^tar-ls-du: \(stdin\): \d+ more lines cannot be parsed \(not shown\)$/);
  });

  it.each([['--rclone'], ['--ls'], ['--tar']])('200 KB of garbage with %s: at most 11 lines on stderr; -q: one count line, still exit 1', async (flag) => {
    // Ended with a newline: what is checked here is the cap on per-line warnings (a cut last line has its own test).
    const input = Buffer.concat([garbage(200_000, 3), Buffer.from('\n')]);
    const loud = await run([flag], input);
    expect(loud.code).toBe(1);
    expect(loud.stderr.trim().split('\n').length).toBeLessThanOrEqual(11);
    expect(loud.stderr).toMatch(/more lines cannot be parsed/);
    const quiet = await run([flag, '-q'], input);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toMatch(/^tar-ls-du: \(stdin\): \d+ of \d+ lines cannot be parsed\n$/);
  });

  it.each([
    ['rclone ls', '        5 a/b\n      123\n', ['--rclone']],
    ['ls -l', 'total 4\n-rw-r--r-- 1 root root    5 Nov 21 20:40 a/b\n-rw-r--r-- 1 root ro\n', []],
    ['GNU tar', '-rw-r--r-- root/root         5 2026-11-21 20:40 a/b\n-rw-r--r-- root/root         7 2026-11\n', []],
    ['lsjson', '[\n{"Path":"a/b","Size":5,"IsDir":false},\n{"Path":"a/c","Si\n]\n', []],
    ['du', '5\ta/b\n12\n', []],
  ])('truncated %s line: FILE:LINE warning, exit 1, rest printed', async (_name, input, flags) => {
    const file = join(dir, 'listing.txt');
    writeFileSync(file, input);
    const result = await run([...flags, file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('5\ta\n5\ta/b\n');
    expect(result.stderr).toMatch(new RegExp(`^tar-ls-du: ${file}:\\d+: cannot parse [a-z-]+ line: ".+"\\n$`));
  });

  it('a 10 MB line is skipped with one warning, nothing else lost', async () => {
    const input = Buffer.concat([Buffer.from('        1 x/a\n'), Buffer.alloc(10 * 1024 * 1024, 0x41), Buffer.from('\n        2 x/b\n')]);
    const result = await run(['--rclone'], input);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('3\tx\n2\tx/b\n1\tx/a\n');
    expect(result.stderr).toMatch(/^tar-ls-du: \(stdin\):2: cannot parse rclone-ls line: "A{80}"…\n$/);
  });

  it('an unknown format names the forcing flags; the other inputs are still summed (exit 1)', async () => {
    const good = join(dir, 'good.txt');
    writeFileSync(good, '        4 g/h\n');
    const unknown = join(dir, 'unknown.txt');
    writeFileSync(unknown, 'hello world\n        4 x\n');
    const result = await run([unknown, good]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('4\tg\n4\tg/h\n');
    expect(result.stderr).toBe(
      `tar-ls-du: ${unknown}: unknown listing format (first line "hello world"); force one with --ls, --tar, --rclone, --rclone-lsl, --lsjson or --du\n`,
    );
  });

  it('a named input that cannot be opened is a usage error (exit 2) before anything is printed', async () => {
    const good = join(dir, 'good.txt');
    writeFileSync(good, '        4 g/h\n');
    const result = await run([good, 'missing.txt'], '', dir);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'tar-ls-du: cannot open "missing.txt": no such file or directory\n' });
  });

  it('a directory instead of a listing file: exit 2', async () => {
    const result = await run([dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`tar-ls-du: cannot open "${dir}": is a directory\n`);
  });
});

describe('flags', () => {
  const listing = '        6 a/b c\n       10 a/d/e\n        1 f\n';

  it.each([
    [['-h'], '16\ta\n10\ta/d\n10\ta/d/e\n6\ta/b c\n1\tf\n'],
    [['--depth', '1'], '16\ta\n1\tf\n'],
    [['--top', '2'], '16\ta\n10\ta/d\n'],
    [['--min-size', '7'], '16\ta\n10\ta/d\n10\ta/d/e\n'],
    [['--csv', '--top', '1'], 'size,path,type\n16,a,dir\n'],
    [['--json', '--depth', '1'], '[\n{"path":"a","size":16,"dir":true},\n{"path":"f","size":1,"dir":false}\n]\n'],
  ])('%j', async (flags, expected) => {
    const result = await run(flags, listing);
    expect(result).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it('-h shows human sizes', async () => {
    const result = await run(['-h'], '  1572864 big/file\n     2048 big/k\n');
    expect(result.stdout).toBe('1.6M\tbig\n1.5M\tbig/file\n2.0K\tbig/k\n');
  });

  it('--help still prints help with EXIT STATUS', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/-h, --human-readable/);
    expect(result.stdout).toMatch(/--rclonels, --rclone/);
    expect(result.stdout).toMatch(/EXIT STATUS/);
  });

  it.each([
    [['--depth', '0']],
    [['--top', 'x']],
    [['--min-size', 'lots']],
    [['--csv', '--json']],
    [['--ncdu', '--top', '3']],
    [['--rclone', '--tar']],
    [['--bogus']],
  ])('usage error for %j: exit 2', async (flags) => {
    const result = await run(flags, listing);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tar-ls-du: |Unknown argument|--/);
  });
});
