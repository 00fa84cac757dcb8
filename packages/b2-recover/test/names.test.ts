// --local-directory finds files whose names hold newlines, tabs, control pictures or bytes
// that are not UTF-8 (the crypt remote stores them as rclone's standard names), and the
// dry-run list prints each name on one line.
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsPath, nameFromBytes } from '@rclone-b2/core';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';

const T0 = Date.UTC(2024, 0, 1);
const bad = nameFromBytes(Buffer.from('626164fe2e6a7067', 'hex')); // "bad\xfe.jpg"
const NAMES = ['nl\nx.jpg', 'tab\tx.jpg', 'pic␊x.jpg', 'back\\x.jpg', bad, 'dir\nname/in\tside.jpg'];

let h: Harness;
let source: string;

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  source = join(h.dir, 'photos');
  for (const name of [...NAMES, 'gone.jpg']) {
    const path = join(source, name);
    await mkdir(fsPath(join(path, '..')), { recursive: true });
    await writeFile(fsPath(path), name);
    await utimes(fsPath(path), T0 / 1000, T0 / 1000);
  }
  await h.rclone(['sync', source, 'secret:photos']);
  h.emulator.clock.advance(DAY);
  const empty = join(h.dir, 'empty');
  await mkdir(empty);
  await h.rclone(['sync', empty, 'secret:photos']); // every file hidden
  await rm(join(source, 'gone.jpg')); // not present locally: stays deleted
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('b2-recover --local-directory with odd names', () => {
  it('--dry-run lists every local file, one line each', async () => {
    const result = await h.run(main, ['-n', '--local-directory', source, '--backup-directory', 'photos']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/would undelete 6, left 1 deleted/);
    const lines = result.out.trimEnd().split('\n').sort();
    expect(lines).toHaveLength(NAMES.length);
    expect(lines).toContain('would undelete photos/nl␊x.jpg');
    expect(lines).toContain('would undelete photos/bad\\376.jpg');
    expect(lines).toContain('would undelete photos/back\\\\x.jpg');
  });

  it('undeletes them; rclone copy then gives back exactly the local files', async () => {
    const result = await h.run(main, ['--local-directory', source, '--backup-directory', 'photos']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/undeleted 6, left 1 deleted/);
    const back = join(h.dir, 'back');
    await h.rclone(['copy', 'secret:photos', back]);
    for (const name of NAMES) expect(await readFile(fsPath(join(back, name)), 'utf8')).toBe(Buffer.from(name).toString());
  });
});

// `rclone copy` writes the standard name `x‛b` (stored through a remote path: rclone reads a
// file `a‛b` as `a‛‛b`) as `x‛‛b`; --local-directory looks each file up under the name
// rclone copy gives it, control characters and the fullwidth solidus included.
describe('b2-recover --local-directory with names whose ‛ quotes nothing', () => {
  it('undeletes every hidden file that the directory rclone copy wrote holds', async () => {
    const local = join(h.dir, 'quotes-src');
    await mkdir(local);
    for (const name of ['c\x01x', 'a／b', '‛／', 'a‛‛b']) await writeFile(join(local, name), name);
    await h.rclone(['copy', local, 'secret:quotes']);
    const one = join(h.dir, 'quotes-one');
    await writeFile(one, 'from a remote path');
    for (const name of ['x‛b', 'a‛', '‛', 'd‛x/f']) await h.rclone(['copyto', one, `secret:quotes/${name}`]);
    const restored = join(h.dir, 'quotes-restored');
    await h.rclone(['copy', 'secret:quotes', restored]);
    h.emulator.clock.advance(DAY);
    const empty = join(h.dir, 'quotes-empty');
    await mkdir(empty);
    await h.rclone(['sync', empty, 'secret:quotes']); // every file hidden
    const result = await h.run(main, ['--local-directory', restored, '--backup-directory', 'quotes']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/undeleted 8, left 0 deleted/);
    const back = join(h.dir, 'quotes-back');
    await h.rclone(['copy', 'secret:quotes', back]);
    for (const name of ['c\x01x', 'a／b', '‛／', 'a‛‛b', 'x‛‛b', 'a‛‛', '‛‛', 'd‛‛x/f']) expect(await readFile(join(back, name), 'utf8'), name).toMatch(/./);
  });
});
