// Files named with newlines, control pictures or bytes that are not UTF-8 are cleaned like
// any other: found under a directory PATH, listed one line each (ls -b escaped) in a dry
// run, their old versions deleted — none is taken for a wrong password or skipped.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameFromBytes } from '@rclone-b2/core';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';

const T0 = Date.UTC(2024, 0, 1);
const bad = nameFromBytes(Buffer.from('626164fe2e747874', 'hex')); // "bad\xfe.txt"
const NAMES = ['d/nl\nx.txt', 'd/pic␊x', 'd/back\\x', `d/${bad}`, 'd/sub\ndir/in\tside'];

let h: Harness;

const versions = async (): Promise<number> => {
  const { stdout } = await execa('rclone', ['--config', h.config.configPath, 'lsf', '-R', '--files-only', '--b2-versions', 'secret:d'], { env: { HOME: h.dir } });
  return stdout.split('\n').filter((l) => /-v\d{4}-\d\d-\d\d-\d{6}-\d{3}/.test(l)).length;
};

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  for (const content of ['one', 'two, longer']) {
    const source = await h.writeTree('src', Object.fromEntries(NAMES.map((name) => [name, content])), T0);
    await h.rclone(['copy', source, 'secret:']);
    h.emulator.clock.advance(DAY);
  }
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('encrypted-cleanup with odd names', () => {
  it('--dry-run: one escaped line per old version, every file counted', async () => {
    expect(await versions()).toBe(NAMES.length);
    const result = await h.run(main, ['-n', 'secret', 'd']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(new RegExp(`would delete ${NAMES.length} versions .* of ${NAMES.length} files`));
    const lines = result.out.trimEnd().split('\n');
    expect(lines).toHaveLength(NAMES.length);
    expect(lines).toContainEqual(expect.stringMatching(/^would delete d\/bad\\376\.txt \(upload of /));
    expect(lines).toContainEqual(expect.stringMatching(/^would delete d\/back\\\\x \(upload of /));
    expect(lines).toContainEqual(expect.stringMatching(/^would delete d\/sub␊dir\/in␉side \(upload of /));
  });

  it('--dry-run --json: one JSON document, the plan with exact names and the summary counts', async () => {
    const result = await h.run(main, ['-n', '--json', 'secret', 'd']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.out) as { dryRun: boolean; items: { path: string; action: string; size: number }[]; summary: { files: number; deleted: number; failed: number; unmatched: string[] } };
    expect(doc.dryRun).toBe(true);
    // paths as rclone lists them (its encoding of a newline is ␊; a real ␊ is quoted as ‛␊)
    expect(doc.items.map((i) => i.path).sort()).toEqual(['d/nl␊x.txt', 'd/pic‛␊x', 'd/back\\x', `d/${bad}`, 'd/sub␊dir/in␉side'].sort());
    expect(doc.items.every((i) => i.action === 'upload' && i.size > 0)).toBe(true);
    expect(doc.summary).toMatchObject({ files: NAMES.length, deleted: NAMES.length, failed: 0, unmatched: [] });
    expect(await versions()).toBe(NAMES.length);
  });

  it('deletes the old versions of all of them; --json prints the summary', async () => {
    const result = await h.run(main, ['--json', 'secret', 'd']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.out) as { dryRun: boolean; items?: unknown; summary: { files: number; deleted: number } };
    expect(doc).toMatchObject({ dryRun: false, summary: { files: NAMES.length, deleted: NAMES.length } });
    expect(doc.items).toBeUndefined();
    expect(await versions()).toBe(0);
  });
});
