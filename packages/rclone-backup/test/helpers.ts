import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { memoryIO as coreMemoryIO, runInMemory, type InMemoryRun, type MemoryIO } from '@rclone-b2/core/testing';
import { main } from '../src/main.js';

export type { MemoryIO };

export function memoryIO(env: Record<string, string | undefined> = {}): MemoryIO {
  return coreMemoryIO({ env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
}

export type RunResult = InMemoryRun;

export async function run(argv: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return runInMemory('rclone-backup', main, argv, memoryIO(env));
}

export function tempDir(prefix = 'rb-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTree(root: string, files: Record<string, string | Buffer>, mtime?: number): void {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    if (mtime !== undefined) utimesSync(file, mtime / 1000, mtime / 1000);
  }
}

/** Every regular file below root: relative path → content. */
export function readTree(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) result[relative(root, path)] = readFileSync(path, 'latin1');
    }
  };
  walk(root);
  return result;
}

export function mtimeOf(path: string): number {
  return statSync(path).mtimeMs;
}

export function obscure(password: string): string {
  return execFileSync('rclone', ['obscure', password], { encoding: 'utf8' }).trim();
}

export const PASSWORD = 'correct-horse-battery-staple';
export const SALT = 'pepper-and-salt-2024';

/** A throw-away rclone.conf with a crypt remote `secret:` over a local directory. */
export function writeCryptConf(dir: string, remoteDir: string): string {
  const conf = join(dir, 'rclone.conf');
  writeFileSync(
    conf,
    `[secret]\ntype = crypt\nremote = ${remoteDir}\nfilename_encryption = standard\ndirectory_name_encryption = true\npassword = ${obscure(PASSWORD)}\npassword2 = ${obscure(SALT)}\n`,
  );
  return conf;
}

export function writeConfig(dir: string, name: string, text: string): string {
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, text);
  return file;
}

export function cleanup(...dirs: string[]): void {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
