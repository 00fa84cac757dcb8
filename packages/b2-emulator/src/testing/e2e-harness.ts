// End-to-end harness: a b2-emulator, a throw-away rclone.conf (b2 + crypt), real rclone,
// and the tool run in-process with memory streams.
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { startEmulator, type Emulator } from '../emulator.js';
import type { FaultRule } from '../faults.js';
import type { TestMode } from '../test-mode.js';
import { writeRcloneTestConfig, type RcloneTestConfig } from './rclone-config.js';
import { memoryIO, runInMemory } from '@rclone-b2/core/testing';
import { fsPath, type ToolIO, type ToolMain } from '@rclone-b2/core';

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

export interface Harness {
  dir: string;
  emulator: Emulator;
  config: RcloneTestConfig;
  /** Runs real rclone with the throw-away config; returns stdout. */
  rclone(args: string[]): Promise<string>;
  /** Runs a tool's main in-process. */
  run(main: ToolMain, argv: string[], extra?: Partial<ToolIO>): Promise<RunResult>;
  /** Writes files (path → content) under dir/name, with a fixed mtime per file; names byte-exact (core's fsPath), so not-UTF-8 names work. */
  writeTree(name: string, files: Record<string, string>, mtime?: number): Promise<string>;
  close(): Promise<void>;
}

export const DAY = 86_400_000;

/** `faults` and `testMode` make the emulator misbehave from the start (see the README). */
export async function startHarness(options: { start?: number; faults?: FaultRule[]; testMode?: TestMode } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'e2e-'));
  const emulator = await startEmulator({ ...(options.faults ? { faults: options.faults } : {}) });
  emulator.clock.set(options.start ?? Date.UTC(2024, 0, 1));
  const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'conf'), bucket: 'bucket' });
  // after the set-up, which force_cap_exceeded would refuse
  if (options.testMode) emulator.setTestMode(options.testMode);
  const env = { RCLONE_CONFIG: config.configPath, HOME: dir };
  return {
    dir,
    emulator,
    config,
    async rclone(args) {
      const result = await execa('rclone', ['--config', config.configPath, ...args], { env, extendEnv: false, stripFinalNewline: false });
      return result.stdout;
    },
    async run(main, argv, extra = {}) {
      const io = { ...memoryIO({ env, cwd: dir }), ...extra };
      return runInMemory('tool', main, argv, io);
    },
    async writeTree(name, files, mtime = Date.UTC(2023, 11, 1)) {
      const root = join(dir, name);
      await mkdir(root, { recursive: true });
      for (const [path, content] of Object.entries(files)) {
        const file = join(root, path);
        await mkdir(fsPath(dirname(file)), { recursive: true });
        await writeFile(fsPath(file), content);
        await utimes(fsPath(file), mtime / 1000, mtime / 1000);
      }
      return root;
    },
    async close() {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
