// Names with control characters, control pictures, backslashes and invalid UTF-8: --ls
// prints each as exactly one line, the name rclone lists (`ls -b` escaped where needed),
// and old versions get the names `rclone ls --b2-versions` gives them.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameFromBytes, unescapeName } from '@rclone-b2/core';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';

const T0 = Date.UTC(2024, 0, 1);
const bad = nameFromBytes(Buffer.from('626164fe2e747874', 'hex')); // "bad\xfe.txt"
const NAMES = ['nl\nx.txt', 'tab\tx', 'pic␊x', 'back\\n', bad, 'dir\nname/in\tside.txt', 'plain.txt'];

let h: Harness;

/** `rclone ls` lines of the crypt remote as {size, name} with byte-exact names. */
async function rcloneLs(args: string[]): Promise<string[]> {
  const { stdout } = await execa('rclone', ['--config', h.config.configPath, 'ls', ...args, 'secret:'], { encoding: 'buffer', env: { HOME: h.dir } });
  const text = Buffer.from(stdout).toString('latin1');
  return text
    .split('\n')
    .map((line) => /^ *(\d+) (.*)$/s.exec(line))
    .filter((m) => m !== null)
    .map((m) => `${m[1]} ${nameFromBytes(Buffer.from(m[2]!, 'latin1'))}`)
    .sort();
}

const ours = (out: string): string[] =>
  out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^ *(\d+) (.*)$/.exec(line)!;
      return `${m[1]} ${unescapeName(m[2]!)}`;
    })
    .sort();

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  for (const content of ['one', 'two, longer']) {
    const source = await h.writeTree('src', Object.fromEntries(NAMES.map((name) => [name, content])), T0);
    await h.rclone(['copy', source, 'secret:']);
    h.emulator.clock.advance(DAY);
  }
  // rclone's own names never hold raw control characters, but a name given to rclone on the
  // command line is stored as it is: this one holds a real newline.
  await execa('rclone', ['--config', h.config.configPath, 'rcat', 'secret:raw\nnewline.txt'], { input: 'raw', env: { HOME: h.dir } });
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('encrypted-du names', () => {
  it('--ls: one line per file, the names rclone ls lists (escapes undone)', async () => {
    const result = await h.run(main, ['--ls', '--no-all-output', '--undeleted-output', '-', 'secret:']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.out.split('\n').filter(Boolean)).toHaveLength(NAMES.length + 1);
    expect(result.out).toContain('        3 raw\\nnewline.txt\n');
    // rclone ls prints that one name over two lines (its second half parses as no line).
    const theirs = (await rcloneLs([])).filter((l) => !l.includes('raw'));
    expect(ours(result.out).filter((l) => !l.includes('raw'))).toEqual(theirs);
    expect(result.out).toContain(' bad\\376.txt\n');
    expect(result.out).toContain(' back\\\\n\n');
    expect(result.out).toContain(' nl␊x.txt\n');
  });

  it('--ls of all versions: the names rclone ls --b2-versions lists', async () => {
    const result = await h.run(main, ['--ls', 'secret:']);
    expect(result.code).toBe(0);
    expect(result.out.split('\n').filter(Boolean)).toHaveLength(2 * NAMES.length + 1);
    const theirs = (await rcloneLs(['--b2-versions'])).filter((l) => !l.includes('raw'));
    expect(ours(result.out).filter((l) => !l.includes('raw'))).toEqual(theirs);
  });

  it('the text summary escapes names too (its du tree keeps invalid bytes, printed \\ooo)', async () => {
    const result = await h.run(main, ['--no-all-output', '--undeleted-output', '-', 'secret:']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('\tbad\\376.txt\n');
    expect(result.out).toMatch(/\traw\\nnewline\.txt\n/);
    expect(result.out).toMatch(/\tback\\\\n\n/);
    // eslint-disable-next-line no-control-regex
    expect(result.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});
