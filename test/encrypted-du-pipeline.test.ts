// `encrypted-du --ls | tar-ls-du --rclone` must equal encrypted-du's own summary: both
// use core's du tree, one in-process, one through a pipe of rclone-ls lines.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startEmulator, type Emulator } from 'b2-emulator';
import { writeRcloneTestConfig } from 'b2-emulator/test-helpers';
import { fsPath, nameFromBytes } from '@rclone-b2/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = (tool: string) => fileURLToPath(new URL(`../packages/${tool}/bin/${tool}.js`, import.meta.url));
let dir: string;
let emulator: Emulator;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'du-pipe-'));
  emulator = await startEmulator({});
  const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'conf'), bucket: 'pipe-bucket', prefix: '' });
  env = { RCLONE_CONFIG: config.configPath, HOME: dir };
  const files: Record<string, string> = {
    'a/one.txt': '1'.repeat(1000),
    'a/b/two words.txt': '2'.repeat(70_000),
    'ü/ñ.txt': 'unicode',
    '-dash/x': 'dash',
    'c.txt': 'c',
    // names that would break a line, or are not text: escaped by --ls, read back by tar-ls-du
    'odd/nl\nx.txt': 'newline',
    'odd/tab\tdir/back\\n': 'backslash',
    'odd/pic␊x': 'picture',
    [`odd/${nameFromBytes(Buffer.from('626164fe', 'hex'))}`]: 'invalid utf-8',
  };
  const src = join(dir, 'src');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(fsPath(dirname(join(src, path))), { recursive: true });
    await writeFile(fsPath(join(src, path)), content);
  }
  await execa('rclone', ['sync', src, 'secret:'], { env });
  await execa('rclone', ['rcat', 'secret:odd/raw\nnewline'], { env, input: 'raw' }); // a real newline in the stored name
  emulator.clock.advance(86_400_000);
  await writeFile(join(src, 'a/one.txt'), 'changed');
  await rm(join(src, 'c.txt'));
  await execa('rclone', ['sync', src, 'secret:'], { env });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('encrypted-du --ls | tar-ls-du --rclone', () => {
  it.each([[[] as string[]], [['--human-readable']]])('equals the in-process summary %j', async (flags) => {
    const inProcess = await execa('node', [bin('encrypted-du'), ...flags, 'secret:'], { env });
    const ls = execa('node', [bin('encrypted-du'), '--ls', 'secret:'], { env });
    const piped = await ls.pipe('node', [bin('tar-ls-du'), '--rclone', ...flags.map((f) => (f === '--human-readable' ? '-h' : f))], { env });
    expect(inProcess.stdout.split('\n').length).toBeGreaterThan(8);
    expect(piped.stdout).toBe(inProcess.stdout);
    expect(inProcess.stdout).toMatch(/\todd\/raw\\nnewline-v\d{4}-\d\d-\d\d-\d{6}-\d{3}\n/); // hidden by the next sync
    expect(inProcess.stdout).toMatch(/\todd\/tab␉dir\/back\\\\n\n/);
  });
});
