// Listings by the real programs (ls, du, GNU tar, bsdtar, rclone) of trees built here, where
// reading them carelessly would merge, drop or rewrite names, or take a cut or wrong input
// for a whole one. Each report is checked against totals summed from lstat; where the input
// is not what the tool needs, the status is 1 and stderr says why.
import { lstatSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsPath, nameFromBytes } from '@rclone-b2/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedReport, parseReport, run, type ExpectOptions } from './helpers.js';

let parent: string;
const C = { ...process.env, LC_ALL: 'C' };
const sorted = (map: Map<string, number>): Record<string, number> => Object.fromEntries([...map].sort());
const listing = async (command: string, args: string[], env: NodeJS.ProcessEnv = C): Promise<Buffer> => {
  // encoding buffer, final newline kept: the bytes exactly as the program wrote them.
  const { stdout } = await execa(command, args, { cwd: parent, env, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout);
};
const file = (rel: string | Buffer, size: number): void => writeFileSync(typeof rel === 'string' ? fsPath(join(parent, rel)) : rel, Buffer.alloc(size, 0x78));
const bytesPath = (dir: string, name: number[]): Buffer => Buffer.concat([Buffer.from(join(parent, dir, '/')), Buffer.from(name)]);
const LS: ExpectOptions = { prefix: '', symlinks: 'lstat', emptyDirs: true, dirOwnSize: false };
const DU: ExpectOptions = { ...LS, dirOwnSize: true };
const TAR: ExpectOptions = { ...LS, symlinks: 'zero' };

beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'tar-ls-du-loss-'));
  // 2: three names that differ only in a byte that is not UTF-8, and one that is.
  mkdirSync(join(parent, 'bytes'));
  for (const [byte, size] of [[0xff, 1], [0xef, 20], [0xc3, 300]] as const) file(bytesPath('bytes', [0x61, byte, 0x62]), size);
  file('bytes/aéb', 4000);
  // 3: a directory whose name holds a colon (ls -lRb writes its header `colon/x\::`).
  mkdirSync(join(parent, 'colon/x:'), { recursive: true });
  file('colon/x:/f', 5);
  file('colon/y', 7);
  // 4: `endcr<CR>` and `endcr`.
  mkdirSync(join(parent, 'cr'));
  file('cr/endcr\r', 1);
  file('cr/endcr', 20);
  // 6: old files (ls --time-style=iso prints `2019-03-04  NAME`) whose names look like a clock.
  mkdirSync(join(parent, 'iso'));
  for (const [name, size] of [['10:00 x', 1], [' lead', 20], ['plain', 300], ['new', 4000]] as const) file(`iso/${name}`, size);
  const old = new Date('2019-03-04T12:00:00Z');
  for (const name of ['10:00 x', ' lead', 'plain']) utimesSync(join(parent, 'iso', name), old, old);
  // 8: du -c's grand total, beside a real entry named `total`.
  mkdirSync(join(parent, 'tot/d'), { recursive: true });
  file('tot/d/a', 10);
  file('tot/other', 200);
  file('tot/total', 3000);
  writeFileSync(join(parent, 'rclone.conf'), '');
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** The report read back (escapes undone) and the independent totals of `dir`, paths as listed. */
function expectReport(stdout: string, dir: string, options: ExpectOptions): void {
  // `dir` is both the tree under `parent` and how the listing names it.
  expect(sorted(parseReport(stdout))).toEqual(sorted(expectedReport(join(parent, dir), { ...options, prefix: dir })));
}

describe('names that differ only in bytes that are not UTF-8 stay apart (printed \\ooo)', () => {
  const cases: Array<[string, () => Promise<Buffer>, string[], ExpectOptions]> = [
    ['ls -lR', () => listing('ls', ['-lR', 'bytes']), [], LS],
    ['ls -lRb', () => listing('ls', ['-lRb', 'bytes']), [], LS],
    ['du -ab', () => listing('du', ['-ab', 'bytes']), [], DU],
    ['du -ab0 | -0', () => listing('du', ['-ab0', 'bytes']), ['-0'], DU],
    ['GNU tar --quoting-style=literal tvf', async () => listing('tar', ['--quoting-style=literal', '-tvf', await tarOf('bytes')]), [], TAR],
    ['GNU tar tvf (escapes)', async () => listing('tar', ['-tvf', await tarOf('bytes')]), [], TAR],
    ['bsdtar tvf', async () => listing('bsdtar', ['-tvf', await tarOf('bytes')]), ['--tar'], TAR],
  ];
  it.each(cases)('%s', async (_name, make, flags, options) => {
    const result = await run(flags, await make());
    expect(result).toMatchObject({ code: 0, stderr: '' });
    for (const line of ['1\tbytes/a\\377b', '20\tbytes/a\\357b', '300\tbytes/a\\303b', '4000\tbytes/aéb']) expect(result.stdout.split('\n')).toContain(line);
    expectReport(result.stdout, 'bytes', options);
    expect(parseReport(result.stdout).get(`bytes/${nameFromBytes(Buffer.from([0x61, 0xff, 0x62]))}`)).toBe(1);
  });
});

async function tarOf(dir: string): Promise<string> {
  const tar = join(parent, `${dir}.tar`);
  await execa('tar', ['-cf', tar, dir], { cwd: parent });
  return tar;
}

describe('-0 on input that is not NUL-separated', () => {
  it('du -ab | tar-ls-du -0: a clear message, exit 1, nothing counted', async () => {
    const result = await run(['-0'], await listing('du', ['-ab', 'bytes']));
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tar-ls-du: (stdin): -0 was given, but the input holds newlines and no NUL: it is not NUL-separated (make it with du -ab0, or leave out -0); nothing read\n',
    });
  });
});

describe('ls -lRb directory headers', () => {
  it('`\\:` in a header is a colon', async () => {
    const ls = await listing('ls', ['-lRb', 'colon']);
    expect(ls.toString()).toContain('colon/x\\::\n');
    const result = await run([], ls);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, 'colon', LS);
    expect(result.stdout).toContain('5\tcolon/x:/f\n');
  });
});

describe('a CR is part of a name unless the input is CR LF', () => {
  // A listing saved on Windows: every line end turned into CR LF (a name's own CR stays before it).
  const windows = (text: Buffer): Buffer => Buffer.from(text.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  const cases: Array<[string, () => Promise<Buffer>, ExpectOptions]> = [
    ['ls -lR', () => listing('ls', ['-lR', 'cr']), LS],
    ['du -ab', () => listing('du', ['-ab', 'cr']), DU],
    ['ls -lR saved with CR LF', async () => windows(await listing('ls', ['-lR', 'cr'])), LS],
    ['du -ab saved with CR LF', async () => windows(await listing('du', ['-ab', 'cr'])), DU],
  ];
  it.each(cases)('%s', async (_name, make, options) => {
    const result = await run([], await make());
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, 'cr', options);
    expect(result.stdout).toContain('1\tcr/endcr\\r\n');
    expect(result.stdout).toContain('20\tcr/endcr\n');
  });

  it('du -ab with the name ending in CR on the first line (du lists its arguments in order)', async () => {
    const result = await run([], await listing('du', ['-ab', 'cr/endcr\r', 'cr/endcr']));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const size = (name: string): number => lstatSync(join(parent, 'cr', name)).size;
    expect(sorted(parseReport(result.stdout))).toEqual(sorted(new Map([['cr', size('endcr\r') + size('endcr')], ['cr/endcr\r', size('endcr\r')], ['cr/endcr', size('endcr')]])));
  });
});

describe('cut input is said (exit 1), and what it holds is still counted', () => {
  const rclone = (args: string[]): Promise<Buffer> => listing('rclone', args, { ...process.env, RCLONE_CONFIG: join(parent, 'rclone.conf') });

  it('rclone lsjson -R without its closing `]`', async () => {
    const whole = await rclone(['lsjson', '-R', join(parent, 'colon')]);
    expect(whole.toString().endsWith(']\n')).toBe(true);
    expect((await run([], whole)).code).toBe(0);
    const cut = whole.subarray(0, whole.lastIndexOf(']'));
    const result = await run([], cut);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tar-ls-du: (stdin): the lsjson array is not closed (no final "]"): the listing may be cut\n');
    // Every object line was whole: the same totals as the whole listing, from lstat.
    expect(sorted(parseReport(result.stdout))).toEqual(sorted(expectedReport(join(parent, 'colon'), { prefix: '', symlinks: 'absent', emptyDirs: true, dirOwnSize: false })));
  });

  it.each<[string, () => Promise<Buffer>, string[]]>([
    ['rclone ls', () => rclone(['ls', join(parent, 'iso')]), ['--rclone']],
    ['ls -lR', () => listing('ls', ['-lR', 'iso']), []],
    ['du -ab', () => listing('du', ['-ab', 'iso']), []],
  ])('%s cut in its last line', async (_name, make, flags) => {
    const whole = await make();
    expect(whole.at(-1)).toBe(10);
    const cut = whole.subarray(0, whole.length - 3);
    const result = await run(flags, cut);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tar-ls-du: (stdin): the input ends without a newline: its last line may be cut\n');
    // The cut line is still counted, as given: the report is that of the same lines ended.
    const ended = await run(flags, Buffer.concat([cut, Buffer.from('\n')]));
    expect(ended).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(ended.stdout);
  });
});

describe('ls --time-style=iso: an old file whose name starts like a clock', () => {
  it('keeps the whole name', async () => {
    const ls = await listing('ls', ['-lR', '--time-style=iso', 'iso']);
    expect(ls.toString()).toMatch(/ 2019-03-04 {2}10:00 x\n/);
    const result = await run([], ls);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, 'iso', LS);
    expect(result.stdout).toContain('1\tiso/10:00 x\n');
    expect(result.stdout).toContain('20\tiso/ lead\n');
  });
});

describe("du -c's grand total line", () => {
  it('du -abc: the last `total` line is not a path; an entry named `total` still is', async () => {
    const { stdout } = await execa('du', ['-abc', 'total', 'd', 'other'], { cwd: join(parent, 'tot'), env: C, stripFinalNewline: false });
    expect(stdout.match(/\ttotal\n/g)).toHaveLength(2);
    const result = await run(['-v'], stdout);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/the last line "\d+\\ttotal" is du's grand total \(du -c\): not counted/);
    const expected = expectedReport(join(parent, 'tot'), { ...DU, prefix: '' });
    expect(sorted(parseReport(result.stdout))).toEqual(sorted(expected));
    expect(parseReport(result.stdout).get('total')).toBe(3000);
  });

  it('du -abc DIR: the same report as du -ab DIR', async () => {
    const result = await run([], await listing('du', ['-abc', 'tot']));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expectReport(result.stdout, 'tot', DU);
  });
});

describe('GNU tar multi-volume archives', () => {
  let volumes: string;
  beforeAll(async () => {
    volumes = join(parent, 'volumes');
    mkdirSync(join(volumes, 'd'), { recursive: true });
    writeFileSync(join(volumes, 'd/big'), Buffer.alloc(30_000, 0x78));
    writeFileSync(join(volumes, 'd/mid'), Buffer.alloc(5000, 0x78));
    writeFileSync(join(volumes, 'd/small'), Buffer.alloc(3, 0x78));
    await execa('tar', ['-c', '-M', '-L', '12', '-V', 'My Label', '-f', '1.tar', '-f', '2.tar', 'd'], { cwd: volumes });
  });
  // The first volume alone ends in the middle of a file: tar lists it, then fails (status 2).
  const tv = async (...args: string[]): Promise<string> => (await execa('tar', ['-tv', ...args], { cwd: volumes, env: C, stripFinalNewline: false, reject: false })).stdout;

  it('the first volume: its label (`V`, the first line) is no file and does not stop detection', async () => {
    const text = await tv('-f', '1.tar');
    expect(text.split('\n')[0]).toMatch(/^V--------- .*My Label Volume 1--Volume Header--$/);
    const result = await run([], text);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(sorted(parseReport(result.stdout))).toEqual(sorted(expectedReport(join(volumes, 'd'), { ...TAR, prefix: 'd' })));
  });

  it('the second volume alone: the rest of a file begun before (`M`) is no file', async () => {
    const text = await tv('-f', '2.tar');
    expect(text).toMatch(/^M--------- .* d\/big--Continued at byte \d+--$/m);
    expect(await run([], text)).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
