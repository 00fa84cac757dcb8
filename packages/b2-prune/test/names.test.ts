// Files named with newlines, control pictures or bytes that are not UTF-8 are judged and
// pruned like any other (never counted as a wrong password), and -v / --explain print each
// path on one line, `ls -b` escaped; --json keeps the exact name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameFromBytes } from '@rclone-b2/core';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';

const T0 = Date.UTC(2024, 0, 1);
const bad = nameFromBytes(Buffer.from('626164fe2e747874', 'hex')); // "bad\xfe.txt"
const NAMES = ['nl\nx.txt', 'pic␊x', 'back\\x', bad, 'sub\ndir/in\tside'];

let h: Harness;
let now: string;

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  for (const content of ['one', 'two, longer']) {
    const source = await h.writeTree('src', Object.fromEntries(NAMES.map((name) => [name, content])), T0);
    await h.rclone(['copy', source, 'secret:']);
    h.emulator.clock.advance(400 * DAY);
  }
  now = new Date(T0 + 800 * DAY).toISOString();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('b2-prune with odd names', () => {
  it('-v --dry-run: every file judged, each header one escaped line', async () => {
    const result = await h.run(main, ['-n', '-v', '--purge', '--force', '--now', now, 'secret:']);
    expect(result.err).not.toMatch(/decrypt|wrong password/);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`${NAMES.length} files, ${2 * NAMES.length} versions seen; ${NAMES.length} kept, ${NAMES.length} would delete`));
    const headers = result.out.split('\n').filter((l) => /: live, \d+ versions/.test(l));
    expect(headers).toHaveLength(NAMES.length);
    expect(headers).toContainEqual(expect.stringMatching(/^bad\\376\.txt: live/));
    expect(headers).toContainEqual(expect.stringMatching(/^back\\\\x: live/));
    expect(headers).toContainEqual(expect.stringMatching(/^sub␊dir\/in␉side: live/));
  });

  it('--explain --json keeps the exact name', async () => {
    const result = await h.run(main, ['--explain', bad, '--json', '--now', now, 'secret:']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).path).toBe(bad);
  });

  it('prunes them', async () => {
    const result = await h.run(main, ['--purge', '--force', '--now', now, 'secret:']);
    expect(result.code).toBe(0);
    const after = await h.run(main, ['-n', '--now', now, 'secret:']);
    expect(after.out).toMatch(new RegExp(`${NAMES.length} files, ${NAMES.length} versions seen; ${NAMES.length} kept, 0 would delete`));
  });
});
