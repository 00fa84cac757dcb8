import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../src/lock.js';
import { isMountPoint } from '@rclone-b2/core';
import { PrefixStream, TailBuffer } from '../src/prefix-stream.js';
import { isLocalPath, joinLocation, syncArgs } from '../src/rclone-args.js';
import { parseLogLine, renderRecord, renderTail } from '../src/rclone-log.js';
import { parseConfigText } from '../src/config.js';
import { cleanup, tempDir } from './helpers.js';

const dir = tempDir('rb-pieces-');
afterAll(() => cleanup(dir));

describe('rclone JSON log', () => {
  const copied = '{"level":"info","msg":"Copied (new)","object":"a/x","objectType":"*local.Object","source":"operations/operations.go:566","time":"2026-11-21T20:40:57Z"}';
  it('parses and renders records in rclone text layout', () => {
    const record = parseLogLine(copied);
    expect(record).toMatchObject({ level: 'info', msg: 'Copied (new)', object: 'a/x' });
    expect(renderRecord(record!)).toBe('INFO  : a/x: Copied (new)');
    expect(parseLogLine('2026/11/21 20:41:01 Failed to check: 1 differences found')).toBeUndefined();
    expect(parseLogLine('{not json')).toBeUndefined();
  });
  it('renders the tail without the missing-config notice', () => {
    const notice = '{"level":"warning","msg":"Config file \\"/x\\" not found - using defaults"}';
    expect(renderTail([notice, copied, 'plain text'])).toEqual(['INFO  : a/x: Copied (new)', 'plain text']);
  });
});

describe('rclone arguments', () => {
  it.each([
    ['/srv/x', true],
    ['./x', true],
    ['relative/dir', true],
    ['dir/with:colon', true],
    ['remote:path', false],
    ['b2crypt:', false],
    [':local:/x', false],
  ])('isLocalPath(%j) = %s', (location, local) => expect(isLocalPath(location)).toBe(local));
  it.each([
    ['remote:', 'a', 'remote:a'],
    ['remote:dir', 'a', 'remote:dir/a'],
    ['/x/', 'a', '/x/a'],
  ])('joinLocation(%j, %j)', (base, path, joined) => expect(joinLocation(base, path)).toBe(joined));
  it('builds exactly the sync flags TOOLS.md lists', () => {
    const config = parseConfigText('[default]\nsource=/s\ndestination=r:d\narchive_specials=no\n[filters]\n- a\n+ b\n', 'x.conf');
    expect(syncArgs(config, { copyLinks: true, dryRun: true, verbosity: 2 })).toEqual([
      'sync', '/s', 'r:d', '--delete-excluded', '--filter', '- *~', '--filter', '- .#*', '--filter', '- a', '--filter', '+ b', '--copy-links', '--fast-list', '--dry-run', '-v', '-v',
    ]);
    expect(syncArgs(config, { copyLinks: false, dryRun: false, verbosity: -1 }).slice(-3)).toEqual(['--links', '--fast-list', '-q']);
  });
  it('syncs the special-files archive through a read-only union with SOURCE, quoted as rclone reads it', () => {
    const config = parseConfigText('[default]\nsource=/s "q", x:y\ndestination=r:d\n[filters]\n- *\n', 'x.conf');
    expect(syncArgs(config, { copyLinks: false, dryRun: false, verbosity: 0, specialsDir: '/tmp/sp' }).slice(0, 10)).toEqual([
      'sync', ':union,upstreams="""/s """"q"""", x:y:ro"" ""/tmp/sp:ro""":', 'r:d', '--delete-excluded',
      '--filter', '- *~', '--filter', '- .#*', '--filter', '+ /.rclone-backup-special-files.tar.gz',
    ]);
  });
});

describe('lock', () => {
  it('refuses a live holder, takes over a stale one, releases', async () => {
    const file = join(dir, 'x.lock');
    const release = await acquireLock(file, 'x');
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(`${process.pid}`);
    await expect(acquireLock(file, 'x')).rejects.toMatchObject({ exitCode: 3 });
    await release();
    writeFileSync(file, '2147483646\n');
    const again = await acquireLock(file, 'x');
    await again();
  });
});

describe('mount points', () => {
  it.each([
    ['/', true],
    ['/proc', true],
    [dir, false],
  ])('isMountPoint(%s) = %s', async (path, expected) => expect(await isMountPoint(path)).toBe(expected));
});

describe('PrefixStream', () => {
  it('prefixes whole lines, across chunk boundaries', async () => {
    const tail = new TailBuffer(2);
    const seen: string[] = [];
    const stream = new PrefixStream('[a] ', [{ write: (l) => seen.push(l) }, tail]);
    stream.write('one\ntw');
    stream.write('o\nthree');
    await new Promise<void>((r) => stream.end(r));
    expect(seen).toEqual(['[a] one\n', '[a] two\n', '[a] three\n']);
    expect(tail.text()).toBe('[a] two\n[a] three\n');
  });
});
