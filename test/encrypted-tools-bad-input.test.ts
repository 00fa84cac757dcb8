// Bad input for every encrypted-bucket tool, through their real bins: clear messages,
// the right exit codes, and nothing deleted or written.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startEmulator, type Emulator } from 'b2-emulator';
import { obscure, writeRcloneTestConfig, type RcloneTestConfig } from 'b2-emulator/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = (tool: string) => fileURLToPath(new URL(`../packages/${tool}/bin/${tool}.js`, import.meta.url));
let dir: string;
let emulator: Emulator;
let config: RcloneTestConfig;

/** Each tool with arguments that would change something if the remote were usable. */
const invocations = (target: string): [string, string[]][] => [
  ['encrypted-du', ['--ls', 'secret:']],
  ['encrypted-du', ['--ls', 'secret:docs']],
  ['encrypted-restore', ['--as-of', '0s', 'secret:', target]],
  ['encrypted-cleanup', ['--purge', 'secret', 'docs']],
  ['b2-recover', ['--hidden-after', '@0', 'secret']],
];

async function variant(name: string, edit: (text: string) => string): Promise<string> {
  const path = join(dir, `${name}.conf`);
  await writeFile(path, edit(await readFile(config.configPath, 'utf8')));
  return path;
}

const changes = () => (emulator.stats.get('b2_delete_file_version') ?? 0) + (emulator.stats.get('b2_download_file_by_id') ?? 0);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bad-input-'));
  emulator = await startEmulator({});
  config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'conf'), bucket: 'bad-input' });
  const src = join(dir, 'src');
  await mkdir(join(src, 'docs'), { recursive: true });
  await writeFile(join(src, 'docs/a.txt'), 'a');
  await writeFile(join(src, 'docs/b.txt'), 'b');
  await execa('rclone', ['--config', config.configPath, 'sync', src, 'secret:']);
  await rm(join(src, 'docs/b.txt'));
  await execa('rclone', ['--config', config.configPath, 'sync', src, 'secret:']);
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

const cases: [string, () => Promise<string>, number, RegExp][] = [
  ['a wrong crypt password', () => variant('wrong-password', (t) => t.replace(/^password = .*$/m, `password = ${obscure('not the password')}`)), 2, /wrong crypt password/],
  ['a crypt remote over a local directory', () => variant('local', (t) => t.replace(/^remote = .*$/m, `remote = ${join(dir, 'local-store')}`)), 2, /not a B2 remote/],
  ['an unreachable endpoint', () => variant('unreachable', (t) => t.replace(/^endpoint = .*$/m, 'endpoint = http://127.0.0.1:9')), 1, /cannot reach the B2 API at http:\/\/127\.0\.0\.1:9/],
  ['a remote that does not exist', async () => config.configPath, 2, /remote "secret" not found|remote "nosuch"/],
];

describe.each(cases)('with %s', (_label, makeConfig, code, message) => {
  it.each(invocations('TARGET'))('%s says so and changes nothing', async (tool, args) => {
    const conf = await makeConfig();
    const target = join(dir, `target-${tool}-${_label.replace(/\W+/g, '-')}`);
    const argv = args.map((a) => (a === 'TARGET' ? target : a));
    const finalArgv = _label.startsWith('a remote that') ? argv.map((a) => a.replace(/^secret/, 'nosuch')) : argv;
    const before = changes();
    const result = await execa('node', [bin(tool), '--rclone-config', conf, ...finalArgv], {
      reject: false,
      env: { RCLONE_CONFIG: conf, RCLONE_LOW_LEVEL_RETRIES: '1', HOME: dir },
      extendEnv: false,
    });
    expect(result.stderr).toMatch(new RegExp(`^${tool}: `));
    expect(result.stderr).toMatch(_label.startsWith('a remote that') ? /remote "nosuch" not found/ : message);
    expect(result.stderr).not.toMatch(/ at .*\.js:\d+/); // no stack trace
    expect(result.stderr).not.toContain(emulator.key);
    expect(result.exitCode).toBe(code);
    expect(changes()).toBe(before);
    if (tool === 'encrypted-restore') expect(await readFile(join(target, 'docs/a.txt'), 'utf8').catch(() => 'absent')).toBe('absent');
  });
});
