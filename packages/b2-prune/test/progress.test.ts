// b2-prune shows listing progress on a terminal's stderr: versions and files listed, the rate,
// the deletions so far; never on a pipe, with -q or with --json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';
import { threeUploads } from './support/three-uploads.js';

let h: Harness;
let now: string;

beforeAll(async () => {
  ({ h, now } = await threeUploads(10));
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Summary = { type: string; versionsSeen: number; filesSeen: number; versionsDeleted: number };
const summaryOf = (out: string): Summary =>
  out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Summary)
    .find((r) => r.type === 'summary')!;
const REWRITE = '\r\u001b[K';

describe('b2-prune progress', () => {
  it('on a terminal: versions and files listed, rate and deletions, rewritten in place on stderr, the final line ended; not on a pipe, with -q or --json', async () => {
    const args = ['-n', '--purge', '--force', '--now', now, 'secret:'];
    const expected = summaryOf((await h.run(main, ['--json', ...args])).out);
    expect(expected.filesSeen).toBe(2);
    expect(expected.versionsDeleted).toBeGreaterThan(0);

    const tty = await h.run(main, args, { stderrIsTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.err).toMatch(
      new RegExp(`\\r\\u001b\\[K${expected.versionsSeen} versions, ${expected.filesSeen} files listed \\(\\d+ versions/s\\), ${expected.versionsDeleted} to delete\\n`),
    );
    expect(tty.out).not.toContain(REWRITE);

    for (const [name, argv, extra] of [
      ['pipe', args, {}],
      ['-q', ['-q', ...args], { stderrIsTTY: true }],
      ['--json', ['--json', ...args], { stderrIsTTY: true }],
    ] as const) {
      const run = await h.run(main, [...argv], extra);
      expect(run.code, name).toBe(0);
      expect(run.err, name).not.toContain('files listed');
    }
  });

  it('a real run shows the versions it deleted: the deletions the emulator served', async () => {
    const deletions = () => h.emulator.stats.get('b2_delete_file_version') ?? 0;
    const before = deletions();
    const run = await h.run(main, ['--purge', '--force', '--now', now, 'secret:'], { stderrIsTTY: true });
    expect(run.code).toBe(0);
    const shown = /\d+ versions, 2 files listed \(\d+ versions\/s\), (\d+) deleted\n/.exec(run.err);
    expect(shown).not.toBeNull();
    expect(run.err).toContain(`${REWRITE}${shown![0]}`);
    expect(Number(shown![1])).toBeGreaterThan(0);
    expect(Number(shown![1])).toBe(deletions() - before);
  });
});
