// Every name rclone can store comes back exactly: names with control characters, invalid
// UTF-8, control pictures, backslashes, fullwidth lookalikes. rclone itself is the oracle:
// the same crypt remote is restored with encrypted-restore and with `rclone copy`, and
// both trees are compared byte for byte (`find -printf '%P\0'`, names as Buffers).
import { mkdir, writeFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsPath, nameFromBytes } from '@rclone-b2/core';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';

const T0 = Date.UTC(2024, 0, 1);
const bad = nameFromBytes(Buffer.from('626164fe2e747874', 'hex')); // "bad\xfe.txt"
const NAMES = ['nl\nx.txt', 'tab\tx', 'cr\rx', 'esc\x1bx', 'del\x7fx', 'pic␊x', 'back\\x', bad, 'full／slash', '．', 'ffff\ufffd', 'dir\nname/in\tside.txt', `dir\nname/${bad}`];

let h: Harness;
let source: string;

/** Sorted `find -printf '%P %s %y\0'` records of a tree, as raw bytes (hex) so nothing is lost. */
async function tree(root: string): Promise<string[]> {
  const { stdout } = await execa('find', ['.', '-mindepth', '1', '-printf', '%P %s %y\\0'], { cwd: root, encoding: 'buffer' });
  const out = Buffer.from(stdout);
  const records: string[] = [];
  let start = 0;
  for (let i = 0; i < out.length; i += 1) {
    if (out[i] !== 0) continue;
    records.push(out.subarray(start, i).toString('hex'));
    start = i + 1;
  }
  return records.sort();
}

async function writeAll(content: string): Promise<void> {
  for (const name of NAMES) {
    const path = join(source, name);
    await mkdir(fsPath(join(path, '..')), { recursive: true });
    await writeFile(fsPath(path), `${content} ${name}`);
    await utimes(fsPath(path), (T0 - DAY) / 1000, (T0 - DAY) / 1000);
  }
}

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  source = join(h.dir, 'src');
  await writeAll('first');
  await h.rclone(['copy', source, 'secret:']);
  h.emulator.clock.advance(DAY);
  await writeAll('second, longer');
  await h.rclone(['copy', source, 'secret:']);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('encrypted-restore restores the names rclone copy writes', () => {
  it('--as-of: the same tree as rclone copy, byte for byte', async () => {
    const ours = join(h.dir, 'ours');
    const theirs = join(h.dir, 'theirs');
    const result = await h.run(main, ['--as-of', '0s', 'secret:', ours]);
    expect(result.err).not.toMatch(/cannot decrypt|wrong password|FAILED/);
    expect(result.code).toBe(0);
    await h.rclone(['copy', 'secret:', theirs]);
    const expected = await tree(theirs);
    expect(expected.length).toBeGreaterThanOrEqual(NAMES.length);
    expect(await tree(ours)).toEqual(expected);
    expect(await tree(ours)).toEqual(await tree(source));
  });

  it('--all: old versions carry the names rclone --b2-versions gives them', async () => {
    const ours = join(h.dir, 'ours-all');
    const theirs = join(h.dir, 'theirs-all');
    const result = await h.run(main, ['--all', 'secret:', ours]);
    expect(result.code).toBe(0);
    await h.rclone(['copy', '--b2-versions', 'secret:', theirs]);
    const theirNames = (await tree(theirs)).filter((r) => Buffer.from(r, 'hex').toString('latin1').endsWith(' f'));
    const ourNames = (await tree(ours)).filter((r) => Buffer.from(r, 'hex').toString('latin1').endsWith(' f'));
    const versioned = theirNames.filter((r) => /-v\d{4}-\d\d-\d\d-\d{6}-\d{3}/.test(Buffer.from(r, 'hex').toString('latin1')));
    expect(versioned).toHaveLength(NAMES.length);
    for (const record of versioned) expect(ourNames).toContain(record);
    // rclone shows each current version under its plain name; --all names it by its time too.
    expect(ourNames).toHaveLength(theirNames.length);
  });

  it('--dry-run prints one line per file: the remote name as rclone lists it, the local path ls -b escaped', async () => {
    const result = await h.run(main, ['--as-of', '0s', '--dry-run', 'secret:', join(h.dir, 'dry')]);
    expect(result.code).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines).toHaveLength(NAMES.length);
    expect(lines).toContainEqual(expect.stringMatching(/^would restore nl␊x\.txt \(.*\) to \/.*\/dry\/nl\\nx\.txt$/));
    expect(lines).toContainEqual(expect.stringMatching(/^would restore bad\\376\.txt \(.*\) to \/.*\/dry\/bad\\376\.txt$/));
    expect(lines).toContainEqual(expect.stringMatching(/^would restore dir␊name\/in␉side\.txt \(.*\) to \/.*\/dry\/dir\\nname\/in\\tside\.txt$/));
  });

  it('--dry-run --json: one JSON document, the plan with exact names (JSON escapes) and the summary', async () => {
    const result = await h.run(main, ['--as-of', '0s', '--dry-run', '--json', 'secret:', join(h.dir, 'dry')]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.out) as { dryRun: boolean; items: { path: string; kind: string; size: number; to: string }[]; summary: { files: number; failed: number } };
    expect(doc.dryRun).toBe(true);
    expect(doc.items).toHaveLength(NAMES.length);
    expect(doc.items).toContainEqual(expect.objectContaining({ path: 'nl␊x.txt', kind: 'file', to: join(h.dir, 'dry', 'nl\nx.txt') }));
    expect(doc.items).toContainEqual(expect.objectContaining({ path: 'dir␊name/in␉side.txt', to: join(h.dir, 'dry', 'dir\nname/in\tside.txt') }));
    expect(doc.summary).toMatchObject({ files: NAMES.length, failed: 0 });
  });
});

describe('with filename_encryption = off (names stored in B2 as B2 encodes them)', () => {
  it('--as-of gives the tree rclone copy gives, byte for byte', async () => {
    const { writeRcloneTestConfig } = await import('b2-emulator/test-helpers');
    const config = await writeRcloneTestConfig({ emulator: h.emulator, dir: join(h.dir, 'conf-off'), bucket: 'plainbucket', filenameEncryption: 'off', cryptRemoteName: 'plain' });
    const rclone = (args: string[]) => execa('rclone', ['--config', config.configPath, ...args], { env: { HOME: h.dir } });
    await rclone(['copy', source, 'plain:']);
    const ours = join(h.dir, 'ours-off');
    const theirs = join(h.dir, 'theirs-off');
    const result = await h.run(main, ['--rclone-config', config.configPath, '--as-of', '0s', 'plain:', ours]);
    expect(result.err).not.toMatch(/cannot decrypt|FAILED/);
    expect(result.code).toBe(0);
    await rclone(['copy', 'plain:', theirs]);
    expect(await tree(ours)).toEqual(await tree(theirs));
    expect(await tree(ours)).toEqual(await tree(source));
  });
});

// rclone reads a file `a‛b` as `a‛‛b` and cannot store it; a remote path stores the standard
// name `x‛b` itself, and `rclone copy` writes it as `x‛‛b`. Restores must write what rclone
// copy writes, and a drill must find and check every file it restored (bytes that are not
// UTF-8 included).
describe('names whose ‛ quotes nothing, control characters, the fullwidth solidus', () => {
  it('--as-of writes the names rclone copy writes, and --drill checks every one of them', async () => {
    const { writeRcloneTestConfig } = await import('b2-emulator/test-helpers');
    const config = await writeRcloneTestConfig({ emulator: h.emulator, dir: join(h.dir, 'conf-quotes'), bucket: 'quotebucket', cryptRemoteName: 'quotes' });
    const rclone = (args: string[]) => execa('rclone', ['--config', config.configPath, ...args], { env: { HOME: h.dir } });
    const local = join(h.dir, 'quotes-src');
    await mkdir(local);
    // Whole seconds: a restore sets sub-millisecond times 1 µs off rclone's (utimes takes a double).
    for (const name of ['c\x01x', 'a／b', '‛／', 'a‛‛b', bad]) {
      await writeFile(fsPath(join(local, name)), `from disk ${name}`);
      await utimes(fsPath(join(local, name)), T0 / 1000, T0 / 1000);
    }
    await rclone(['copy', local, 'quotes:']);
    const one = join(h.dir, 'quotes-one');
    await writeFile(one, 'from a remote path');
    await utimes(one, T0 / 1000, T0 / 1000);
    for (const name of ['x‛b', 'a‛', '‛', 'd‛x/f']) await rclone(['copyto', one, `quotes:${name}`]);
    const theirs = join(h.dir, 'theirs-quotes');
    await rclone(['copy', 'quotes:', theirs]);
    const expected = await tree(theirs);
    const names = expected.map((r) => nameFromBytes(Buffer.from(r, 'hex')).replace(/ \d+ [fd]$/, '')).sort();
    expect(names).toEqual(['a‛‛', 'a‛‛b', 'a／b', bad, 'c\x01x', 'd‛‛x', 'd‛‛x/f', 'x‛‛b', '‛‛', '‛／'].sort());
    const ours = join(h.dir, 'ours-quotes');
    const result = await h.run(main, ['--rclone-config', config.configPath, '--as-of', '0s', 'quotes:', ours]);
    expect(result.code).toBe(0);
    expect(await tree(ours)).toEqual(expected);
    const temp = join(h.dir, 'drill-temp');
    await mkdir(temp);
    const drill = await h.run(main, ['--rclone-config', config.configPath, '--json', '--ledger', join(h.dir, 'drill.ledger'), '--temp-dir', temp, '--drill', '100', '--source', theirs, 'quotes:']);
    expect(drill.code).toBe(0);
    expect(JSON.parse(drill.out)).toMatchObject({ drill: { totalFiles: 9, drilled: 9, compared: 9, changedSinceBackup: 0, failed: 0, mismatches: [] } });
  });
});
