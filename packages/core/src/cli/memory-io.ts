import { PassThrough } from 'node:stream';
import type { ToolIO } from './io.js';
import { reportError } from './run-tool.js';

/** A ToolIO over memory streams, with what was written so far. */
export interface MemoryIO extends ToolIO {
  out(): string;
  err(): string;
}

export interface MemoryIOOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** What the tool reads on stdin (empty when absent). */
  stdin?: string | Buffer;
  /** Stands for runTool's interrupt signal (abort it to test a stop). */
  signal?: AbortSignal;
}

/** Runs tools in-process (tests, scripts) without touching the real process streams. */
export function memoryIO(options: MemoryIOOptions = {}): MemoryIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? Buffer.alloc(0));
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdin, stdout, stderr, env: options.env ?? {}, cwd: options.cwd ?? '/', stderrIsTTY: false, ...(options.signal ? { signal: options.signal } : {}), out: () => out, err: () => err };
}

export interface InMemoryRun {
  code: number;
  out: string;
  err: string;
}

/** Runs a tool's main as runTool would — errors become `tool: message` and an exit code. */
export async function runInMemory(
  tool: string,
  main: (argv: readonly string[], io: ToolIO) => Promise<number>,
  argv: readonly string[],
  io: MemoryIO = memoryIO(),
): Promise<InMemoryRun> {
  let code: number;
  try {
    code = await main(argv, io);
  } catch (error) {
    code = reportError(tool, error, io, false);
  }
  // Let 'data' events of the last writes arrive.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, out: io.out(), err: io.err() };
}
