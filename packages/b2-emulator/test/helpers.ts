import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'b2emu-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs real rclone with a config; never throws, returns output and exit code. */
export async function rclone(configPath: string, ...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await execa('rclone', ['--config', configPath, ...args], { reject: false, env: { RCLONE_CONFIG: configPath } });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
}

/** Runs real rclone and returns stdout as bytes (for binary `cat`). */
export async function rcloneBytes(configPath: string, ...args: string[]): Promise<Buffer> {
  const r = await execa('rclone', ['--config', configPath, ...args], { encoding: 'buffer', env: { RCLONE_CONFIG: configPath } });
  return Buffer.from(r.stdout);
}
