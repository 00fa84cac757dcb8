// Test fixtures around the real rclone binary: throw-away configs with a crypt remote over a
// local directory, and batched `rclone backend encode/decode` calls.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { obscure } from '../../src/index.js';

export interface CryptFixtureOptions {
  password?: string;
  password2?: string;
  filenameEncryption?: 'standard' | 'obfuscate' | 'off';
  filenameEncoding?: 'base32' | 'base64' | 'base32768';
  directoryNameEncryption?: boolean;
  /** Extra INI text appended to the config. */
  extra?: string;
}

export interface CryptFixture {
  dir: string;
  store: string;
  configPath: string;
  remote: string;
  rclone(args: string[], input?: Buffer | string): Promise<{ stdout: string; stdoutBuffer: Buffer }>;
  cleanup(): Promise<void>;
}

/** Runs rclone with a clean environment (no user config leaks in). */
export async function runRclone(
  configPath: string | undefined,
  args: string[],
  input?: Buffer | string,
  env: Record<string, string> = {},
): Promise<Buffer> {
  const result = await execa('rclone', [...(configPath ? ['--config', configPath] : []), ...args], {
    input,
    encoding: 'buffer',
    env: { PATH: process.env.PATH, HOME: tmpdir(), ...env },
    extendEnv: false,
    stripFinalNewline: false,
  });
  return Buffer.from(result.stdout);
}

export async function makeCryptFixture(options: CryptFixtureOptions = {}): Promise<CryptFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'crypt-fixture-'));
  const store = join(dir, 'store');
  await mkdir(store);
  const lines = [
    '[c]',
    'type = crypt',
    `remote = ${store}`,
    `password = ${obscure(options.password ?? 'rclone-test-password')}`,
  ];
  if (options.password2 !== undefined) lines.push(`password2 = ${obscure(options.password2)}`);
  if (options.filenameEncryption) lines.push(`filename_encryption = ${options.filenameEncryption}`);
  if (options.filenameEncoding) lines.push(`filename_encoding = ${options.filenameEncoding}`);
  if (options.directoryNameEncryption !== undefined) {
    lines.push(`directory_name_encryption = ${options.directoryNameEncryption}`);
  }
  const configPath = join(dir, 'rclone.conf');
  await writeFile(configPath, lines.join('\n') + '\n' + (options.extra ?? ''));
  return {
    dir,
    store,
    configPath,
    remote: 'c',
    async rclone(args, input) {
      const out = await runRclone(configPath, args, input);
      return { stdout: out.toString('utf8'), stdoutBuffer: out };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `rclone backend encode|decode c: -- NAME...` in batches; one output line per name. */
export async function rcloneBackend(
  fixture: CryptFixture,
  command: 'encode' | 'decode',
  names: string[],
  maxArgBytes = 60_000,
): Promise<string[]> {
  const out: string[] = [];
  let batch: string[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const { stdout } = await fixture.rclone(['backend', command, `${fixture.remote}:`, '--', ...batch]);
    const lines = stdout.split('\n');
    lines.pop();
    if (lines.length !== batch.length) throw new Error(`rclone ${command}: ${batch.length} names in, ${lines.length} lines out`);
    out.push(...lines);
    batch = [];
    bytes = 0;
  };
  for (const name of names) {
    const size = Buffer.byteLength(name) + 1;
    if (bytes + size > maxArgBytes) await flush();
    batch.push(name);
    bytes += size;
  }
  await flush();
  return out;
}
