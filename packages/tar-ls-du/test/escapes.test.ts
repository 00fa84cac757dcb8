// Names with newlines, tabs, backslashes and invalid UTF-8: `ls -lRb` escapes them (GNU ls),
// `rclone ls` prints control pictures, encrypted-du --ls escapes like ls -b. tar-ls-du reads
// all three back to the real names and prints its report `ls -b` escaped, one line per path.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeName, fsPath, nameFromBytes } from '@rclone-b2/core';
import { parseReport, run } from './helpers.js';

const bad = nameFromBytes(Buffer.from('626164fe', 'hex')); // "bad\xfe"
const FILES: [string, number][] = [
  ['nl\nx', 11],
  ['tab\tx', 22],
  ['back\\n', 33],
  ['a b\\ c', 44],
  [bad, 55],
  ['dir\nname/in\tside', 66],
  ['dir\nname/plain', 77],
];

let parent: string;
beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), 'tar-ls-du-escapes-'));
  mkdirSync(fsPath(join(parent, 'fix', 'dir\nname')), { recursive: true });
  for (const [name, size] of FILES) writeFileSync(fsPath(join(parent, 'fix', name)), Buffer.alloc(size, 0x78));
  writeFileSync(join(parent, 'rclone.conf'), '');
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/**
 * What the report must say: every file and directory with its total, names exact (the du
 * tree holds bytes: a byte that is not valid UTF-8 is printed `\ooo` and read back as itself).
 */
function expected(prefix: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const [name, size] of FILES) {
    const parts = (prefix ? `${prefix}/${name}` : name).split('/');
    for (let i = 1; i <= parts.length; i += 1) {
      const path = parts.slice(0, i).join('/');
      map.set(path, (map.get(path) ?? 0) + size);
    }
  }
  return map;
}

describe('tar-ls-du reads escaped names', () => {
  it('ls -lRb: escapes in entries and dir: headers are undone', async () => {
    const { stdout } = await execa('ls', ['-lRb', 'fix'], { cwd: parent, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    expect(stdout).toContain('dir\\nname:');
    const result = await run([], `${stdout}\n`); // the newline ls ended with (execa strips it)
    expect(result.stderr).toBe('');
    expect(parseReport(result.stdout)).toEqual(expected('fix'));
  });

  it('the report prints every path ls -b escaped, one line each', async () => {
    const { stdout } = await execa('ls', ['-lRb', 'fix'], { cwd: parent, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    const result = await run([], stdout);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(expected('fix').size);
    expect(lines).toContain('66\tfix/dir\\nname/in\\tside');
    expect(lines).toContain('55\tfix/bad\\376');
    expect(lines).toContain('33\tfix/back\\\\n');
  });

  it('--rclone: escaped names as encrypted-du --ls prints them', async () => {
    const listing = FILES.map(([name, size]) => `${String(size).padStart(9)} ${escapeName(name)}\n`).join('');
    const result = await run(['--rclone'], listing);
    expect(result.stderr).toBe('');
    expect(parseReport(result.stdout)).toEqual(expected(''));
  });

  it('real rclone ls: control pictures are ordinary characters', async () => {
    const { stdout } = await execa('rclone', ['ls', join(parent, 'fix')], {
      env: { ...process.env, RCLONE_CONFIG: join(parent, 'rclone.conf') },
      encoding: 'buffer',
    });
    const result = await run(['--rclone'], Buffer.from(stdout));
    const report = parseReport(result.stdout);
    expect(report.get('nl␊x')).toBe(11);
    expect(report.get('dir␊name/in␉side')).toBe(66);
    expect(report.get('back\\n')).toBeUndefined(); // rclone prints `back\n` unescaped: read as an escape
  });
});
