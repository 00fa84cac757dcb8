import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineParser, DuTree, readListing, writeDuReport, type ListingFormat } from '../src/du/index.js';
import { LsLrBytes } from '../src/du/ls-lr-bytes.js';
import { TarTvBytes } from '../src/du/tar-tv-bytes.js';
import { nameFromBytes } from '../src/names/name-bytes.js';

/** Every directory and file with its size (ncdu), and the text report: what the two paths must agree on. */
async function report(tree: DuTree): Promise<string> {
  const chunks: Buffer[] = [];
  for (const format of ['ncdu', 'text'] as const) {
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeDuReport(tree, out, { format, timestamp: 0, progname: 'test', progver: '0' });
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The string path alone: every line decoded byte-exactly (nameFromBytes) and given to the format's string parser. */
function viaStrings(listing: Buffer, format: ListingFormat): { tree: DuTree; bad: number } {
  const tree = new DuTree();
  const parser = createLineParser(format);
  let bad = 0;
  const lines: string[] = [];
  for (let start = 0; start < listing.length; ) {
    const newline = listing.indexOf(10, start);
    const end = newline < 0 ? listing.length : newline;
    lines.push(nameFromBytes(listing.subarray(start, end)));
    start = end + 1;
  }
  for (const line of lines) if (!parser.parseLine(line, tree)) bad += 1;
  return { tree, bad };
}

/** The byte path (readListing), fed in small chunks so lines straddle chunk boundaries. */
async function viaBytes(listing: Buffer, format: ListingFormat): Promise<{ tree: DuTree; bad: number }> {
  const tree = new DuTree();
  const chunks: Buffer[] = [];
  for (let i = 0; i < listing.length; i += 777) chunks.push(listing.subarray(i, i + 777));
  const result = await readListing(Readable.from(chunks), tree, { format });
  return { tree, bad: result.skipped };
}

async function expectSame(listing: Buffer, format: ListingFormat): Promise<string> {
  const strings = viaStrings(listing, format);
  const bytes = await viaBytes(listing, format);
  const expected = await report(strings.tree);
  expect(await report(bytes.tree)).toBe(expected);
  expect(bytes.bad).toBe(strings.bad);
  return expected;
}

const run = (command: string, args: string[], env: Record<string, string> = {}): Buffer =>
  execFileSync(command, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });

let dir: string;
let tarFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ls-tar-bytes-'));
  const root = join(dir, 'tree');
  const names = ['plain.txt', 'a b  c.txt', ' leading space', 'ünïcödé ✓.jpg', 'tab\there', 'new\nline', 'back\\slash', 'quote"d', "it's", 'ctl\u0001x', '日本語', 'x -> y', 'z link to w', '-rw-r--r-- 1 a b 5 Jan  1  2024 fake'];
  for (const [i, name] of names.entries()) {
    mkdirSync(join(root, `d ${i}`, name === 'plain.txt' ? 'sub dir' : 'x'), { recursive: true });
    writeFileSync(join(root, `d ${i}`, name), 'x'.repeat(i * 7 + 1));
    writeFileSync(join(root, `d ${i}`, name === 'plain.txt' ? 'sub dir' : 'x', name), 'y'.repeat(i + 3));
  }
  mkdirSync(join(root, 'odd: dir'));
  writeFileSync(join(root, 'odd: dir', 'f:'), 'abc');
  writeFileSync(Buffer.concat([Buffer.from(join(root, 'd 0/')), Buffer.from([0x61, 0xff, 0x62])]), 'zz'); // not UTF-8
  symlinkSync('plain.txt', join(root, 'd 0', 'link'));
  symlinkSync('a b  c.txt', join(root, 'd 1', 'link with -> arrow'));
  linkSync(join(root, 'd 0', 'plain.txt'), join(root, 'd 2', 'hard link'));
  linkSync(join(root, 'd 1', 'a b  c.txt'), join(root, 'd 3', 'hard link with spaces'));
  execFileSync('mkfifo', [join(root, 'd 0', 'fifo')]);
  execFileSync('mknod', [join(root, 'd 0', 'null device'), 'c', '1', '3']);
  tarFile = join(dir, 'tree.tar');
  run('tar', ['-cf', tarFile, '-C', dir, 'tree']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ls -lR from bytes', () => {
  it.each([
    ['LC_ALL=C', [], { LC_ALL: 'C' }],
    ['UTF-8 locale', [], { LC_ALL: 'C.UTF-8' }],
    ['long-iso dates', ['--time-style=long-iso'], { LC_ALL: 'C' }],
    ['full-iso dates', ['--time-style=full-iso'], { LC_ALL: 'C' }],
    ['iso dates', ['--time-style=iso'], { LC_ALL: 'C' }],
    ['ls -b escapes', ['-b'], { LC_ALL: 'C' }],
    ['ls -Q (c quoting), -F indicators', ['-Q', '-F'], { LC_ALL: 'C' }],
    ['ls -b -F indicators', ['-b', '-F'], { LC_ALL: 'C' }],
    ['ls -b --file-type', ['-b', '--file-type'], { LC_ALL: 'C' }],
    ['ls -p', ['-p'], { LC_ALL: 'C' }],
    ['inode and block columns (-i -s)', ['-i', '-s'], { LC_ALL: 'C' }],
    ['with . and ..', ['-a'], { LC_ALL: 'C' }],
    ['numeric owners', ['-n'], { LC_ALL: 'C' }],
  ])('gives the same tree and warnings as the string parser on real ls output: %s', async (_, args, env) => {
    const listing = run('ls', ['-lR', ...args, join(dir, 'tree')], env);
    const expected = await expectSame(listing, 'ls');
    expect(expected).toContain('ünïcödé');
    expect(expected).toContain('hard link with spaces');
  }, 30_000);

  it('gives the same tree and warnings as the string parser on refused shell-escape quoting', async () => {
    await expectSame(run('ls', ['-lR', '--quoting-style=shell-escape', join(dir, 'tree')], { LC_ALL: 'C.UTF-8' }), 'ls');
  });

  it('gives the same result when the format is detected from the first line (a `DIR:` header)', async () => {
    const listing = run('ls', ['-lR', join(dir, 'tree')], { LC_ALL: 'C' });
    const strings = viaStrings(listing, 'ls');
    const tree = new DuTree();
    const result = await readListing(Readable.from([listing]), tree);
    expect(result.format).toBe('ls');
    expect(await report(tree)).toBe(await report(strings.tree));
    expect(await report(tree)).toContain(`${join(dir, 'tree')}/d 1`);
  });

  it('gives the same result with a trailing `/` on the listed directory and on `/` itself', async () => {
    await expectSame(run('ls', ['-lR', `${join(dir, 'tree')}/`], { LC_ALL: 'C' }), 'ls');
    const expected = await expectSame(Buffer.from('/:\n-rw-r--r-- 1 root root 7 Jan  1  2024 top\n/a//:\n-rw-r--r-- 1 root root 5 Jan  1  2024 b\n'), 'ls');
    expect(expected).toContain('/a/b');
  });

  it('gives the same result on device files (`major, minor` sizes) of real ls -l /dev', async () => {
    await expectSame(run('ls', ['-lR', '/dev'], { LC_ALL: 'C' }), 'ls');
  });

  it("gives the same result on this machine's ls -lR /usr/share/doc", async () => {
    const listing = run('ls', ['-lR', '/usr/share/doc'], { LC_ALL: 'C.UTF-8' });
    expect(listing.length).toBeGreaterThan(10_000);
    await expectSame(listing, 'ls');
  }, 120_000);
});

describe('tar tv from bytes', () => {
  it.each([
    ['GNU tar, C locale', 'tar', { LC_ALL: 'C' }],
    ['GNU tar, UTF-8 locale', 'tar', { LC_ALL: 'C.UTF-8' }],
    ['bsdtar, C locale', 'bsdtar', { LC_ALL: 'C' }],
    ['bsdtar, UTF-8 locale', 'bsdtar', { LC_ALL: 'C.UTF-8' }],
  ])('gives the same tree and warnings as the string parser on real output: %s', async (_, tar, env) => {
    const listing = run(tar, ['-tvf', tarFile], env);
    expect(listing.toString('latin1')).toContain('link to');
    const expected = await expectSame(listing, 'tar');
    expect(expected).toContain('hard link with spaces');
  }, 30_000);

  it.each(['tar', 'bsdtar'])('gives the same result when the format is detected: %s', async (tar) => {
    const listing = run(tar, ['-tvf', tarFile], { LC_ALL: 'C' });
    const tree = new DuTree();
    const result = await readListing(Readable.from([listing]), tree);
    expect(result.format).toBe('tar');
    expect(await report(tree)).toBe(await report(viaStrings(listing, 'tar').tree));
  });

  it('gives the same result with GNU tar full-iso times and numeric owners', async () => {
    await expectSame(run('tar', ['-tvf', tarFile, '--full-time', '--numeric-owner'], { LC_ALL: 'C' }), 'tar');
  });
});

describe('long lines the byte path leaves to the string parser', () => {
  // Each line is either taken by the bytes with the string parser's result, or handed to it.
  const lines = [
    '-rw-r--r-- 1 root root 12 Jan  1  2024 plain',
    '-rw-r--r--+ 1 root root 12 Jan  1 12:34 acl name',
    '-rw-r--r-- 1 root root 1234567890123456789 Jan  1  2024 huge size',
    '-rw-r--r-- 1 root root 000012 Jan  1  2024 leading zeros',
    'crw-rw-rw- 1 root root 1, 3 Jan  1  2024 null',
    'crw-rw-rw- 1 root root 1,3 Jan  1  2024 dev',
    'lrwxrwxrwx 1 root root 4 Jan  1  2024 a -> b -> c',
    'lrwxrwxrwx 1 root root 4 Jan  1  2024  -> at start',
    'hrw-r--r-- root/root 0 2024-01-01 00:00 a link to b',
    '-rw-r--r-- root/root 7 2024-01-01 00:00:01.5 +0100 zoned',
    '-rw-r--r-- 1 root root 7 2024-01-01  iso date only',
    '-rw-r--r-- 1 root root 7 2019-03-04  10:00 iso date, name like a clock',
    '-rw-r--r-- 1 root root 7 2019-03-04   10:00 iso date, name with a leading space',
    'M--------- 0/0 144 1970-01-01 00:00 a/b.txt--Continued at byte 2560--',
    'V--------- 0/0 0 2026-12-06 03:26 My Label--Volume Header--',
    '-rw-r--r-- 1 root root 7 01-01 10:00 short iso',
    '-rw-r--r-- 1 root root 7 Jan 1 1:00 short hour',
    '-rw-r--r-- 1 root root 7 Jan 123 1:00 bad day',
    '-rw-r--r-- 1 root root x7 Jan 1 2024 bad size',
    '-rw-r--r-- 1 root root 7 Jan 1 2024 ',
    '-rw-r--r-- 1 root root 7 Jan 1 2024',
    '-rw-r--r-- 1 a b c d e f g 7 Jan 1 2024 too many fields',
    '-rw-r--r-- 1 Jan 1 2024 7 Jan 1 2024 owner like a date',
    'drwxr-xr-x 2 root root 4096 Jan  1  2024 .',
    'drwxr-xr-x 2 root root 4096 Jan  1  2024 ..',
    '-rw-r--r-- 1 root root 7 Jan  1  2024 back\\\\slash\\ and\\040octal',
    '-rw-r--r-- 1 root root 7 Jan  1  2024 caf\\303\\251',
    ' -rw-r--r-- 1 root root 7 Jan  1  2024 leading space',
    'total 12',
    'totally:',
    'some/dir:',
    'sp\\ ace:',
    'x\\::',
    'x\\\\::',
    ':',
  ];
  it.each(lines)('%s', async (line) => {
    for (const format of ['ls', 'tar'] as const) {
      // After a `DIR:` header, so ls joins names to it.
      const listing = Buffer.from(`top/dir:\n${line}\n`);
      await expectSame(listing, format);
    }
  });

  it('keeps bytes that are not UTF-8 exactly, as the string path does (nameFromBytes), in names and headers', async () => {
    const bad = Buffer.from([0x61, 0xff, 0x62]);
    const listing = Buffer.concat([bad, Buffer.from(':\n-rw-r--r-- 1 root root 7 Jan  1  2024 '), bad, Buffer.from('\n')]);
    const expected = await expectSame(listing, 'ls');
    expect(expected).toContain('a\\377b/a\\377b');
    // With an escape too, the line goes to the string parser: the same bytes.
    const escaped = Buffer.concat([bad, Buffer.from(':\n-rw-r--r-- 1 root root 7 Jan  1  2024 x\\ '), bad, Buffer.from('\n')]);
    expect(await expectSame(escaped, 'ls')).toContain('a\\377b/x a\\377b');
    await expectSame(Buffer.from(`-rw-r--r-- r/r 7 2024-01-01 00:00 x${bad.toString('latin1')}\n`, 'latin1'), 'tar');
  });

  it('takes plain lines itself (no string made)', () => {
    const tree = new DuTree();
    const ls = new LsLrBytes(tree);
    const tar = new TarTvBytes(tree);
    const line = Buffer.from('-rw-r--r-- 1 root root 12 Jan  1  2024 plain');
    expect(ls.parse(line, 0, line.length)).toBe(true);
    expect(tar.parse(line, 0, line.length)).toBe(true);
    const header = Buffer.from('some dir:');
    expect(ls.parse(header, 0, header.length)).toBe(true);
    const link = Buffer.from('lrwxrwxrwx 1 root root 4 Jan  1 12:00 a b -> c d');
    expect(ls.parse(link, 0, link.length)).toBe(true);
    expect(tar.parse(link, 0, link.length)).toBe(true);
    expect([ls.stringLines, tar.stringLines]).toEqual([0, 0]);
    const escaped = Buffer.from('-rw-r--r-- 1 root root 12 Jan  1  2024 back\\slash');
    expect(ls.parse(escaped, 0, escaped.length)).toBe(true);
    expect(tar.parse(escaped, 0, escaped.length)).toBe(true);
    expect([ls.stringLines, tar.stringLines]).toEqual([1, 1]);
    const junk = Buffer.from('not a listing line');
    expect(ls.parse(junk, 0, junk.length)).toBe(false);
    expect(tar.parse(junk, 0, junk.length)).toBe(false);
  });
});
