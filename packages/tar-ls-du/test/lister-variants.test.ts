// `tar tv` variants the real programs print: GNU tar's --quoting-style= styles and listing
// flags, bsdtar, and symlink / hard link lines whose names hold the ` -> ` / ` link to `
// that separates them from the target. Each listing is made by the real GNU tar or bsdtar
// over a tree of awkward names and is either read to the totals summed from lstat
// (expectedReport), or refused: exit 1 and a message naming the way out. Never read with
// quotes in the names or a name cut at the wrong ` -> `.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsPath, nameFromBytes } from '@rclone-b2/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedReport, parseReport, run, type ExpectOptions } from './helpers.js';

let parent: string;
const C = { ...process.env, LC_ALL: 'C.UTF-8' };
const sorted = (map: Map<string, number>): Record<string, number> => Object.fromEntries([...map].sort());
const listing = async (command: string, args: string[]): Promise<Buffer> => {
  const { stdout } = await execa(command, args, { cwd: parent, env: C, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout);
};
const TAR: ExpectOptions = { prefix: 't', symlinks: 'zero', emptyDirs: true, dirOwnSize: false };
const BAD = nameFromBytes(Buffer.from('626164ff', 'hex')); // "bad\xff"
const LONG_DIR = `long/${'d'.repeat(100)}/${'e'.repeat(100)}`;

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'tar-ls-du-listers-'));
  const root = join(parent, 't');
  const file = (name: string, size: number): void => writeFileSync(fsPath(join(root, name)), Buffer.alloc(size, 0x78));
  mkdirSync(join(root, 'sub dir', 'deep'), { recursive: true });
  mkdirSync(join(root, LONG_DIR), { recursive: true });
  mkdirSync(join(root, 'empty'));
  const names = ['a b', 'tab\tx', 'nl\nx', 'back\\slash', 'back\\nslash', ' lead', 'trail ', 'ctl\u0001\u007f', 'ünï', 'q"uote', "s'q", 'x -> y', 'h link to x', '2024-01-01 10:00 x', '1,2', BAD, 'sub dir/in side', 'sub dir/deep/f', `${LONG_DIR}/${'n'.repeat(200)}`];
  names.forEach((name, i) => file(name, (i + 1) * 10));
  const sparse = join(root, 'sparse');
  writeFileSync(sparse, '');
  await execa('truncate', ['-s', '1000001', sparse]);
  symlinkSync('a b', join(root, 'link'));
  await execa('mkfifo', [join(root, 'fifo')]);
  // Ambiguous link lines: names holding the separator (only in their own tree: lstat counts hard links twice).
  const amb = join(parent, 'amb');
  mkdirSync(amb);
  writeFileSync(join(amb, 'f'), 'xyz');
  symlinkSync('tgt', join(amb, 'sl -> x'));
  symlinkSync('does not -> exist', join(amb, 'sym2'));
  linkSync(join(amb, 'f'), join(amb, 'hl link to z'));
  await execa('tar', ['cf', 'gnu.tar', 't'], { cwd: parent });
  await execa('tar', ['czf', 'gnu.tgz', 't'], { cwd: parent });
  await execa('tar', ['cSf', 'sparse.tar', 't'], { cwd: parent });
  await execa('tar', ['--format=pax', '-cf', 'pax.tar', 't'], { cwd: parent });
  await execa('tar', ['-g', 'snar', '-cf', 'inc.tar', 't'], { cwd: parent });
  await execa('bsdtar', ['cf', 'bsd.tar', 't'], { cwd: parent });
  await execa('tar', ['cf', 'amb.tar', 'amb'], { cwd: parent });
});

afterAll(() => {
  rmSync(parent, { recursive: true, force: true });
});

describe('GNU tar and bsdtar tv variants: read to the lstat totals', () => {
  const cases: Array<[string, string, string[]]> = [
    ['tar tvf', 'tar', ['tvf', 'gnu.tar']],
    ['tar tvf --quoting-style=escape', 'tar', ['tvf', 'gnu.tar', '--quoting-style=escape']],
    ['tar tvf --quoting-style=c', 'tar', ['tvf', 'gnu.tar', '--quoting-style=c']],
    ['tar tvf --numeric-owner', 'tar', ['tvf', 'gnu.tar', '--numeric-owner']],
    ['tar tvf --full-time --utc', 'tar', ['tvf', 'gnu.tar', '--full-time', '--utc']],
    ['tar tvvf', 'tar', ['tvvf', 'gnu.tar']],
    ['tar tvzf (gzip)', 'tar', ['tvzf', 'gnu.tgz']],
    ['tar tvf of a sparse (-S) archive', 'tar', ['tvf', 'sparse.tar']],
    ['tar tvf of a pax archive', 'tar', ['tvf', 'pax.tar']],
    ['tar tvf of an incremental (-g) archive', 'tar', ['tvf', 'inc.tar']],
    ['tar cvvf (the listing made while writing)', 'tar', ['cvvf', '/dev/null', 't']],
    ['bsdtar tvf of a GNU archive', 'bsdtar', ['tvf', 'gnu.tar']],
    ['bsdtar tvf of its own archive', 'bsdtar', ['tvf', 'bsd.tar']],
  ];
  it.each(cases)('%s (detected and --tar)', async (_title, command, args) => {
    const text = await listing(command, args);
    const want = sorted(expectedReport(join(parent, 't'), TAR));
    for (const flags of [[], ['--tar']]) {
      const result = await run(flags, text);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(sorted(parseReport(result.stdout))).toEqual(want);
    }
  });
});

describe('GNU tar --quoting-style: quoted names are never read with their quotes', () => {
  it.each(['shell', 'shell-always', 'shell-escape', 'shell-escape-always', 'locale', 'clocale', 'c-maybe'])('--quoting-style=%s: exit 1, names the default quoting', async (style) => {
    const text = await listing('tar', ['tvf', 'gnu.tar', `--quoting-style=${style}`]);
    for (const flags of [[], ['--tar']]) {
      const result = await run(flags, text);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('--quoting-style=escape');
      expect(result.stdout).not.toMatch(/\t["'‘$]/);
    }
  });
});

describe('a symlink or hard link whose name or target holds " -> " / " link to "', () => {
  it('tar tvf and bsdtar tvf: the line is refused (exit 1, naming --quoting-style=c), never cut at the wrong place', async () => {
    for (const [command, args] of [['tar', ['tvf', 'amb.tar']], ['bsdtar', ['tvf', 'amb.tar']]] as const) {
      const result = await run([], await listing(command, [...args]));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('--quoting-style=c');
      const report = parseReport(result.stdout);
      // Of the two names of the hard-linked file, tar stores the data under the first it met.
      expect([...report.keys()].every((path) => ['amb', 'amb/f', 'amb/hl link to z'].includes(path))).toBe(true);
      expect(report.has('amb/hl') || report.has('amb/sl')).toBe(false);
      expect(report.get('amb')).toBe(3);
    }
  });

  it('tar tvf --quoting-style=c: read exactly', async () => {
    const result = await run([], await listing('tar', ['tvf', 'amb.tar', '--quoting-style=c']));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = parseReport(result.stdout);
    expect([...report.keys()].sort()).toEqual(['amb', 'amb/f', 'amb/hl link to z', 'amb/sl -> x', 'amb/sym2']);
    expect([report.get('amb'), (report.get('amb/f') ?? 0) + (report.get('amb/hl link to z') ?? 0), report.get('amb/sl -> x')]).toEqual([3, 3, 0]);
  });
});

describe('rclone lsf -R is no rclone ls: names that start with digits are never read as sizes', () => {
  it('real rclone lsf -R over names like "01 Intro.mp3": exit 1, unknown format, nothing counted; real rclone ls of the same tree is read', async () => {
    const album = join(parent, 'album');
    mkdirSync(join(album, '2024 Live'), { recursive: true });
    for (const name of ['01 Intro.mp3', '02 Outro.mp3', '2024 Live/03 Encore.mp3']) writeFileSync(join(album, name), 'x'.repeat(1000));
    const lsf = await listing('rclone', ['lsf', '-R', '--files-only', 'album']);
    expect(lsf.toString()).toMatch(/^\d\d /); // the shape that was read as `rclone ls`: 1 byte in "Intro.mp3"
    const refused = await run([], lsf);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/unknown listing format/);
    expect(refused.stdout).toBe('');
    const ls = await run([], await listing('rclone', ['ls', 'album']));
    expect(ls.code).toBe(0);
    expect(sorted(parseReport(ls.stdout))).toEqual({ '2024 Live': 1000, '2024 Live/03 Encore.mp3': 1000, '01 Intro.mp3': 1000, '02 Outro.mp3': 1000 });
  });
});
