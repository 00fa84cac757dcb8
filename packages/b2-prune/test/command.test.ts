import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { B2Error, createNameCipher, deriveKeys, type B2FileVersion, type RcloneNameCipher } from '@rclone-b2/core';
import { BUILTIN_POLICIES } from '../src/index.js';
import { openFake } from './support/open.js';
import { FakeB2 } from 'b2-emulator/test-helpers';
import { run } from './support/io.js';
import { modelKeep } from './support/model.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 1, 12);
const NOW_ARG = ['--now', new Date(NOW).toISOString()];
let cipher: RcloneNameCipher;
let otherCipher: RcloneNameCipher;
let dir: string;

beforeAll(async () => {
  cipher = createNameCipher(await deriveKeys('right password', 'salt'));
  otherCipher = createNameCipher(await deriveKeys('wrong password', 'salt'));
  dir = await mkdtemp(join(tmpdir(), 'b2-prune-cmd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let b2: FakeB2;
const opener = (names = cipher) => openFake(b2, 'backup', names);
const nameOf = (path: string): string => `backup/${cipher.encryptPath(path)}`;

/** Daily uploads for `days` days, optionally deleted `deletedDaysAgo` days ago. */
function dailyFile(path: string, days: number, deletedDaysAgo?: number): void {
  for (let d = days; d >= (deletedDaysAgo ?? 0); d--) b2.upload(nameOf(path), Buffer.alloc(1000), {}, NOW - d * DAY - 3_600_000);
  if (deletedDaysAgo !== undefined) b2.hide(nameOf(path), NOW - deletedDaysAgo * DAY + 60_000);
}

const versionsOf = (path: string): B2FileVersion[] =>
  b2.versions.filter((v) => v.fileName === nameOf(path)).sort((a, b) => b.uploadTimestamp - a.uploadTimestamp);

beforeEach(() => {
  b2 = new FakeB2();
  dailyFile('docs/live.txt', 60);
  dailyFile('docs/gone.txt', 60, 10);
  dailyFile('archives/2020/old.tar', 40);
  dailyFile('src/proj/.git/index', 20);
  b2.start(nameOf('big.iso'), NOW - 2 * DAY);
  b2.start(nameOf('fresh.iso'), NOW - 3_600_000);
});

describe('b2-prune (in-process, fake B2)', () => {
  it('--dry-run decides, reports and deletes nothing (no class A calls)', async () => {
    const before = b2.versions.length;
    const r = await run([...NOW_ARG, '-n', '-v'], { openBucket: opener() });
    expect(r.code).toBe(0);
    expect(b2.versions.length).toBe(before);
    expect(b2.transactions.A).toBe(0);
    expect(r.out).toMatch(/docs\/live\.txt: live, 61 versions/);
    expect(r.out).toMatch(/would delete/);
    expect(r.out).toMatch(/Dry run: 4 files, 175 versions seen/);
    expect(r.out).toMatch(/1 unfinished large files older than a day would be cancelled/);
  });

  it('deletes exactly what the model of the rules says, hides last', async () => {
    const expected = new Map(['docs/live.txt', 'docs/gone.txt', 'archives/2020/old.tar', 'src/proj/.git/index'].map((p) => [p, modelKeep(versionsOf(p), BUILTIN_POLICIES.default!, NOW)]));
    const hide = versionsOf('docs/gone.txt')[0]!;
    const r = await run([...NOW_ARG, '--transfers', '3'], { openBucket: opener() });
    expect(r.code).toBe(0);
    for (const [path, kept] of expected) expect(new Set(versionsOf(path).map((v) => v.fileId))).toEqual(kept);
    // docs/gone.txt is 10 days deleted: default keeps its versions, so its hide stays
    expect(versionsOf('docs/gone.txt')[0]).toEqual(hide);
    expect(b2.versions.some((v) => v.action === 'start' && v.fileName === nameOf('big.iso'))).toBe(false);
    expect(b2.versions.some((v) => v.action === 'start' && v.fileName === nameOf('fresh.iso'))).toBe(true);
    expect(r.out).toMatch(/B2 transactions: class A \d+, class B 0, class C \d+/);
  });

  it('--purge needs --force; with it only current versions remain and deleted files vanish', async () => {
    const refused = await run([...NOW_ARG, '--purge'], { openBucket: opener() });
    expect(refused.code).toBe(3);
    expect(b2.deleteCalls).toEqual([]);
    const gone = versionsOf('docs/gone.txt');
    const r = await run([...NOW_ARG, '--purge', '--force', '--no-unfinished-large-files'], { openBucket: opener() });
    expect(r.code).toBe(0);
    const uploads = b2.versions.filter((v) => v.action !== 'start');
    expect(uploads.map((v) => v.fileName).sort()).toEqual([nameOf('archives/2020/old.tar'), nameOf('docs/live.txt'), nameOf('src/proj/.git/index')].sort());
    // crash-safe order: the hide of docs/gone.txt was deleted after all its uploads, oldest first
    const calls = gone.map((v) => b2.deleteCalls.indexOf(v.fileId));
    expect(calls.every((c) => c >= 0)).toBe(true);
    expect(Math.max(...calls.slice(1))).toBeLessThan(calls[0]!);
    expect(calls.slice(1)).toEqual([...calls.slice(1)].sort((a, b) => b - a));
  });

  it('chooses policies by path rules from --policy-file', async () => {
    const file = join(dir, 'rules.ini');
    await writeFile(file, ['[policies]', 'two = 1,2', '', '[paths]', 'archives/ = never', '*/.git/ = two', 'docs/ = one_week'].join('\n'));
    const r = await run([...NOW_ARG, '-n', '-vv', '--json', '--policy-file', file], { openBucket: opener() });
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; path?: string; policy?: string });
    const policies = Object.fromEntries(lines.filter((l) => l.type === 'file').map((l) => [l.path, l.policy]));
    expect(policies).toEqual({ 'archives/2020/old.tar': 'never', 'src/proj/.git/index': 'two', 'docs/live.txt': 'one_week', 'docs/gone.txt': 'one_week' });
    expect(lines[lines.length - 1]).toMatchObject({ type: 'summary', dryRun: true, filesSeen: 4 });
  });

  it.each([
    [['[paths]', 'docs/ = nosuch'], /rules\.ini:2: unknown policy "nosuch"/],
    [['[policies]', 'bad = 7,3'], /rules\.ini:2: policy "bad": ages must increase/],
    [['[policies]', 'bad = 1,*,*'], /rules\.ini:2: .*another wildcard/],
    [['[weird]'], /rules\.ini:1: unknown section/],
    [['[paths]', 'no equals sign'], /rules\.ini:2: expected "key = value"/],
  ])('config error %j → exit 2 with file:line', async (lines, message) => {
    const file = join(dir, 'rules.ini');
    await writeFile(file, lines.join('\n'));
    const r = await run([...NOW_ARG, '--policy-file', file], { openBucket: opener() });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(b2.transactions.A).toBe(0);
  });

  it('--explain prints every version of one file with its decision', async () => {
    const r = await run([...NOW_ARG, '--explain', 'docs/gone.txt'], { openBucket: opener() });
    expect(r.code).toBe(0);
    const versionLines = r.out.split('\n').filter((l) => /^ {2}\d{4}-/.test(l));
    expect(versionLines).toHaveLength(versionsOf('docs/gone.txt').length);
    expect(r.out).toMatch(/hide .* keep +hide marker needed/);
    expect(r.out).toMatch(/windows \(days; "\?" = only while live\): 1, 2, 3, 4, 5, 6, 7, 14, 21, 28, 30, 60/);
    expect(b2.transactions.A).toBe(0);
    const missing = await run([...NOW_ARG, '--explain', 'no/such'], { openBucket: opener() });
    expect(missing.code).toBe(1);
  });

  it('sizes in --explain and -v lines are bytes, or du -h style with -h', async () => {
    b2.upload(nameOf('media/big.bin'), Buffer.alloc(5 * 1024 * 1024), {}, NOW - 40 * DAY);
    b2.upload(nameOf('media/big.bin'), Buffer.alloc(1536), {}, NOW - DAY);
    const bytes = await run([...NOW_ARG, '--explain', 'media/big.bin'], { openBucket: opener() });
    expect(bytes.out).toMatch(/upload +5242880 /);
    expect(bytes.out).toMatch(/upload +1536 /);
    const human = await run([...NOW_ARG, '-h', '--explain', 'media/big.bin'], { openBucket: opener() });
    expect(human.out).toMatch(/upload +5\.0M /);
    expect(human.out).toMatch(/upload +1\.5K /);
    const verbose = await run([...NOW_ARG, '-n', '-vv', '-h', 'secret:media'], { openBucket: opener() });
    expect(verbose.out).toMatch(/upload +5\.0M /);
  });

  it("--max-files stops and says where to continue; --start-at continues there; --stop-at stops before that file (exclusive, as the original's --stop-at)", async () => {
    const first = await run([...NOW_ARG, '-n', '--max-files', '2', '--no-unfinished-large-files', '--json'], { openBucket: opener() });
    const s1 = JSON.parse(first.out.trim()) as { filesSeen: number; resumeAt: string };
    expect(s1.filesSeen).toBe(2);
    const rest = await run([...NOW_ARG, '-n', '--start-at', s1.resumeAt, '--no-unfinished-large-files', '--json'], { openBucket: opener() });
    expect((JSON.parse(rest.out.trim()) as { filesSeen: number }).filesSeen).toBe(2);
    const stop = await run([...NOW_ARG, '-n', '--stop-at', s1.resumeAt, '--no-unfinished-large-files', '--json'], { openBucket: opener() });
    expect((JSON.parse(stop.out.trim()) as { filesSeen: number }).filesSeen).toBe(2);
  });

  it('with CRYPT-REMOTE:PATH the --max-files hint is relative to PATH, as --start-at reads it', async () => {
    for (const p of ['docs/a.txt', 'docs/b.txt', 'docs/c.txt']) b2.upload(nameOf(p), Buffer.alloc(10), {}, NOW - DAY);
    const first = await run([...NOW_ARG, '-n', '--max-files', '2', '--no-unfinished-large-files', '--json', 'secret:docs'], { openBucket: opener() });
    const s1 = JSON.parse(first.out.trim()) as { filesSeen: number; resumeAt: string };
    expect(s1.filesSeen).toBe(2);
    expect(s1.resumeAt.startsWith('docs/')).toBe(false);
    const text = await run([...NOW_ARG, '-n', '--max-files', '2', '--no-unfinished-large-files', 'secret:docs'], { openBucket: opener() });
    expect(text.out).toContain(`continue with --start-at ${JSON.stringify(s1.resumeAt)}`);
    const rest = await run([...NOW_ARG, '-n', '--start-at', s1.resumeAt, '--no-unfinished-large-files', '--json', 'secret:docs'], { openBucket: opener() });
    const s2 = JSON.parse(rest.out.trim()) as { filesSeen: number };
    const all = await run([...NOW_ARG, '-n', '--no-unfinished-large-files', '--json', 'secret:docs'], { openBucket: opener() });
    expect(s2.filesSeen).toBe((JSON.parse(all.out.trim()) as { filesSeen: number }).filesSeen - 2);
  });

  it('a failed upload deletion keeps the hide markers above it and exits 1', async () => {
    const gone = versionsOf('docs/gone.txt');
    for (const v of gone.slice(1)) b2.failDeleteOf.add(v.fileId);
    const r = await run([...NOW_ARG, '--purge', '--force'], { openBucket: opener() });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot delete docs\/gone\.txt/);
    expect(versionsOf('docs/gone.txt')[0]!.action).toBe('hide');
    expect(r.out).toMatch(/deletions failed/);
  });

  it('wrong password: clear error, nothing deleted', async () => {
    const r = await run([...NOW_ARG, '--purge', '--force'], { openBucket: opener(otherCipher) });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/names in the bucket decrypt: wrong crypt password.*Nothing was deleted/s);
    expect(b2.transactions.A).toBe(0);
  });

  it('a few foreign names are warned about and left alone (exit 1)', async () => {
    b2.upload('backup/not-a-crypt-name', Buffer.alloc(100), {}, NOW - 5 * DAY);
    b2.upload('backup/not-a-crypt-name', Buffer.alloc(100), {}, NOW - 4 * DAY);
    const r = await run([...NOW_ARG, '--purge', '--force'], { openBucket: opener() });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/leaving alone backup\/not-a-crypt-name/);
    expect(b2.versions.filter((v) => v.fileName === 'backup/not-a-crypt-name')).toHaveLength(2);
  });

  it('CRYPT-REMOTE:PATH prunes only that directory (paths and unfinished files elsewhere untouched)', async () => {
    const outside = ['archives/2020/old.tar', 'src/proj/.git/index', 'docs/live.txt'].map((p) => versionsOf(p).length);
    const r = await run([...NOW_ARG, '--purge', '--force', 'secret:docs'], { openBucket: opener() });
    expect(r.code).toBe(0);
    expect(versionsOf('docs/gone.txt')).toEqual([]);
    expect(versionsOf('docs/live.txt')).toHaveLength(1);
    expect(['archives/2020/old.tar', 'src/proj/.git/index'].map((p) => versionsOf(p).length)).toEqual(outside.slice(0, 2));
    expect(b2.versions.some((v) => v.action === 'start' && v.fileName === nameOf('big.iso'))).toBe(true);
    const sub = await run([...NOW_ARG, '--purge', '--force', 'secret:/src/proj/'], { openBucket: opener() });
    expect(sub.code).toBe(0);
    expect(versionsOf('src/proj/.git/index')).toHaveLength(1);
    expect(versionsOf('archives/2020/old.tar')).toHaveLength(outside[0]!);
  });

  it('--concurrency still works but warns; -q silences the warning', async () => {
    const r = await run([...NOW_ARG, '-n', '--concurrency', '2'], { openBucket: opener() });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/--concurrency is deprecated: use --transfers/);
    expect((await run([...NOW_ARG, '-n', '-q', '--concurrency', '2'], { openBucket: opener() })).err).toBe('');
  });

  it.each([
    [['--transfers', '0'], /--transfers/],
    [['--no-files', '--no-unfinished-large-files'], /nothing to do/],
    [['a', 'b'], /at most one/],
    [['--bogus'], /unknown option --bogus/],
    [['--max-files', 'abc'], /invalid value "abc" for --max-files/],
    [['--transfers', '2', '--concurrency', '3'], /not both/],
    [[':b2:bucket'], /on-the-fly backends/],
  ])('usage error %j → exit 2', async (args, message) => {
    const r = await run([...NOW_ARG, ...args], { openBucket: opener() });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('CRYPT-REMOTE:PATH that matches nothing', () => {
  it.each([
    ['a typo of a directory', 'secret:doc'],
    ['a directory that does not exist', 'secret:no/such/dir'],
    ['a file inside a file', 'secret:docs/live.txt/x'],
  ])('%s: exit 1 with "no such file or directory", with -n and with --purge --force, nothing deleted', async (_label, arg) => {
    const path = arg.slice('secret:'.length);
    for (const flags of [['-n'], ['--purge', '--force'], ['--json']]) {
      const r = await run([...NOW_ARG, ...flags, arg], { openBucket: opener() });
      expect(r.code, flags.join(' ')).toBe(1);
      expect(r.err).toBe(`b2-prune: ${path}: no such file or directory in secret:\n`);
      expect(r.out).toBe('');
    }
    expect(b2.deleteCalls).toEqual([]);
  });

  it('a file PATH prunes that file only, as the sibling tools take a file PATH', async () => {
    const others = ['docs/gone.txt', 'archives/2020/old.tar'].map((p) => versionsOf(p).length);
    const r = await run([...NOW_ARG, '--purge', '--force', '--json', 'secret:docs/live.txt'], { openBucket: opener() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.trim())).toMatchObject({ filesSeen: 1, versionsDeleted: 60 });
    expect(versionsOf('docs/live.txt')).toHaveLength(1);
    expect(['docs/gone.txt', 'archives/2020/old.tar'].map((p) => versionsOf(p).length)).toEqual(others);
  });

  it('the root of an empty remote is not an error (as encrypted-du and b2-recover)', async () => {
    b2 = new FakeB2();
    for (const arg of [[], ['secret:']]) {
      const r = await run([...NOW_ARG, '-n', ...arg], { openBucket: opener() });
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Dry run: 0 files, 0 versions seen/);
    }
  });

  it('a wrong password is told apart from a missing PATH (exit 2)', async () => {
    const r = await run([...NOW_ARG, '-n', 'secret:no/such/dir'], { openBucket: opener(otherCipher) });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/wrong crypt password/);
  });
});

describe('deletions whose outcome B2 never confirmed', () => {
  it('are counted as "could not be confirmed", not as failed with the versions remaining', async () => {
    // B2 carried the deletion out but every answer was lost or a 503 (retries used up)
    const gone = versionsOf('docs/gone.txt');
    const lost = new Set(gone.slice(-3).map((v) => v.fileId));
    const client = Object.assign(Object.create(b2) as FakeB2, {
      async deleteFileVersion(fileName: string, fileId: string): Promise<void> {
        await b2.deleteFileVersion(fileName, fileId);
        if (lost.has(fileId)) throw new B2Error('b2_delete_file_version', 503, 'service_unavailable', 'Service unavailable');
      },
    });
    const r = await run([...NOW_ARG, '--purge', '--force', '--no-unfinished-large-files'], { openBucket: openFake(client, 'backup', cipher) });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^3 deletions could not be confirmed \(B2 gave no final answer/m);
    // only the hide marker above them, kept (crash-safe order) and so truly remaining, failed
    expect(r.out).toMatch(/^1 deletions failed \(the versions remain; run again\)$/m);
    expect(r.err.split('\n').filter((l) => l.startsWith('b2-prune: deletion not confirmed: docs/gone.txt'))).toHaveLength(3);
    // they were in fact deleted: a re-run finds them gone, the hide marker kept above them is deleted
    expect(gone.slice(-3).every((v) => !versionsOf('docs/gone.txt').some((w) => w.fileId === v.fileId))).toBe(true);
    const again = await run([...NOW_ARG, '--purge', '--force', '--no-unfinished-large-files', '--json'], { openBucket: opener() });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out.trim())).toMatchObject({ failures: 0, unconfirmed: 0 });
    expect(versionsOf('docs/gone.txt')).toEqual([]);
  });

  it('--json counts them in failures and in unconfirmed; a refused deletion only in failures', async () => {
    const [hide, ...uploads] = versionsOf('docs/gone.txt');
    b2.failDeleteOf.add(uploads[0]!.fileId); // a 500: unconfirmed; its hide marker is then not tried: failed
    const r = await run([...NOW_ARG, '--purge', '--force', '--no-unfinished-large-files', '--json', 'secret:docs/gone.txt'], { openBucket: opener() });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out.trim())).toMatchObject({ failures: 2, unconfirmed: 1 });
    expect(versionsOf('docs/gone.txt')[0]).toEqual(hide);
  });
});

describe('decryption gate', () => {
  it('a dry run with a wrong password also stops with a clear error', async () => {
    b2 = new FakeB2();
    for (let i = 0; i < 30; i++) b2.upload(`backup/${otherCipher.encryptPath(`f${i}`)}`, Buffer.alloc(100), {}, NOW - DAY);
    const r = await run([...NOW_ARG, '-n'], { openBucket: opener() });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/none of the first 10 names in the bucket decrypt/);
  });
  it('mostly decryptable names pass the gate in a dry run too', async () => {
    b2 = new FakeB2();
    for (let i = 0; i < 30; i++) b2.upload(i % 4 === 0 ? `backup/junk${i}` : nameOf(`f${i}`), Buffer.alloc(100), {}, NOW - DAY);
    const r = await run([...NOW_ARG, '-n'], { openBucket: opener() });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/22 files/);
    expect(r.out).toMatch(/8 names could not be decrypted/);
  });
});
