// Golden listings made during the run by the real programs on the awkward fixture; the
// tool's report is compared with totals computed independently from lstat.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedReport, isReportOrder, makeFixture, parseReport, run, type ExpectOptions } from './helpers.js';

let parent: string;
let root: string;
let tarFile: string;
const C = { ...process.env, LC_ALL: 'C' };
const UTF8 = { ...process.env, LC_ALL: 'C.UTF-8' };

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'tar-ls-du-golden-'));
  root = makeFixture(parent);
  tarFile = join(parent, 'fix.tar');
  await execa('tar', ['-C', parent, '-cf', tarFile, 'fix']);
  writeFileSync(join(parent, 'rclone.conf'), '');
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const LS: ExpectOptions = { prefix: 'fix', symlinks: 'lstat', emptyDirs: true, dirOwnSize: false };
const TAR: ExpectOptions = { prefix: 'fix', symlinks: 'zero', emptyDirs: true, dirOwnSize: false };
const RCLONE: ExpectOptions = { prefix: '', symlinks: 'absent', emptyDirs: false, dirOwnSize: false };
const LSJSON: ExpectOptions = { prefix: '', symlinks: 'absent', emptyDirs: true, dirOwnSize: false };
const DU: ExpectOptions = { prefix: 'fix', symlinks: 'lstat', emptyDirs: true, dirOwnSize: true };

const rcloneEnv = (): Record<string, string | undefined> => ({ ...process.env, RCLONE_CONFIG: join(parent, 'rclone.conf') });

const cases: Array<[name: string, listing: () => Promise<string>, flags: string[], expected: ExpectOptions]> = [
  ['ls -lR (default time style)', async () => (await execa('ls', ['-lR', 'fix'], { cwd: parent, env: C })).stdout, [], LS],
  ['ls -lR --time-style=long-iso', async () => (await execa('ls', ['-lR', '--time-style=long-iso', 'fix'], { cwd: parent, env: C })).stdout, [], LS],
  ['ls -lR --time-style=full-iso', async () => (await execa('ls', ['-lR', '--time-style=full-iso', 'fix'], { cwd: parent, env: C })).stdout, ['--ls'], LS],
  ['ls -lR --time-style=iso', async () => (await execa('ls', ['-lR', '--time-style=iso', 'fix'], { cwd: parent, env: C })).stdout, ['--lsl'], LS],
  ['GNU tar tvf (C locale, octal escapes)', async () => (await execa('tar', ['tvf', tarFile], { env: C })).stdout, [], TAR],
  ['GNU tar tvf (UTF-8)', async () => (await execa('tar', ['tvf', tarFile], { env: UTF8 })).stdout, ['--tartv'], TAR],
  ['bsdtar tvf', async () => (await execa('bsdtar', ['tvf', tarFile], { env: C })).stdout, [], TAR],
  ['bsdtar tvf --tar', async () => (await execa('bsdtar', ['tvf', tarFile], { env: UTF8 })).stdout, ['--tar'], TAR],
  ['rclone ls', async () => (await execa('rclone', ['ls', root], { env: rcloneEnv() })).stdout, [], RCLONE],
  ['rclone ls --rclone', async () => (await execa('rclone', ['ls', root], { env: rcloneEnv() })).stdout, ['--rclone'], RCLONE],
  ['rclone lsl', async () => (await execa('rclone', ['lsl', root], { env: rcloneEnv() })).stdout, [], RCLONE],
  ['rclone lsl --rclone-lsl', async () => (await execa('rclone', ['lsl', root], { env: rcloneEnv() })).stdout, ['--rclone-lsl'], RCLONE],
  ['rclone lsjson -R', async () => (await execa('rclone', ['lsjson', '-R', root], { env: rcloneEnv() })).stdout, [], LSJSON],
  ['rclone lsjson -R --lsjson', async () => (await execa('rclone', ['lsjson', '-R', root], { env: rcloneEnv() })).stdout, ['--lsjson'], LSJSON],
  ['du -ab', async () => (await execa('du', ['-ab', 'fix'], { cwd: parent, env: C })).stdout, [], DU],
  ['du -ab --du', async () => (await execa('du', ['-ab', 'fix'], { cwd: parent, env: C })).stdout, ['--du'], DU],
];

describe('golden listings from the real programs', () => {
  it.each(cases)('%s', async (_name, listing, flags, expectation) => {
    const text = `${await listing()}\n`;
    const result = await run(flags, text);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = expectedReport(root, expectation);
    expect(Object.fromEntries([...parseReport(result.stdout)].sort())).toEqual(Object.fromEntries([...expected].sort()));
    expect(isReportOrder(result.stdout)).toBe(true);
  });

  it('reads listings named as files, summing them, - is stdin', async () => {
    // With the newline ls ended with (execa strips it): a listing without one reads as cut.
    const ls = `${(await execa('ls', ['-lR', 'fix'], { cwd: parent, env: C })).stdout}\n`;
    const file = join(parent, 'listing.txt');
    writeFileSync(file, ls);
    const first = await run([file]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const once = parseReport(first.stdout);
    const twice = parseReport((await run([file, '-'], ls)).stdout);
    expect(twice.get('fix')).toBe(2 * (once.get('fix') ?? NaN));
    expect(once.get('fix')).toBe(expectedReport(root, LS).get('fix'));
  });

  it('NUL-separated du -ab0 output with -0', async () => {
    const listing = (await execa('du', ['-ab0', 'fix'], { cwd: parent, env: C, encoding: 'buffer' })).stdout;
    const result = await run(['-0'], Buffer.from(listing));
    expect(result.code).toBe(0);
    expect(parseReport(result.stdout)).toEqual(expectedReport(root, DU));
  });

  it('--ncdu output loads in the real ncdu', async () => {
    const ls = `${(await execa('ls', ['-lR', 'fix'], { cwd: parent, env: C })).stdout}\n`;
    const result = await run(['--ncdu'], ls);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const exported = join(parent, 'ncdu.json');
    const reexported = join(parent, 'ncdu-out.json');
    writeFileSync(exported, result.stdout);
    await execa('ncdu', ['-f', exported, '-o', reexported], { env: UTF8 });
    const data = JSON.parse((await execa('cat', [reexported])).stdout) as unknown[];
    expect(data.slice(0, 2)).toEqual([1, 2]);
    // Sum of asize over every file ncdu read back equals the independent total.
    const sum = (node: unknown): number =>
      Array.isArray(node) ? node.reduce((acc: number, child: unknown) => acc + sum(child), 0) : ((node as { asize?: number }).asize ?? 0);
    expect(sum(data[3])).toBe(expectedReport(root, LS).get('fix'));
    const names = JSON.stringify(data[3]);
    expect(names).toContain('ünïcødé 日本.txt');
    expect(names).toContain('"name":"fix"');
  });
});
