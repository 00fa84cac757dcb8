import { memoryIO as coreMemoryIO, runInMemory, type MemoryIO } from '@rclone-b2/core/testing';
import { main, type MainDependencies } from '../../src/main.js';

export function memoryIO(env: Record<string, string | undefined> = {}): MemoryIO {
  return coreMemoryIO({ env });
}

/** Runs b2-prune in-process like runTool does: errors become `b2-prune: message` and an exit code. */
export async function run(argv: string[], deps: MainDependencies = {}, env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  return runInMemory('b2-prune', (argv, io) => main(argv, io, deps), argv, memoryIO(env));
}
