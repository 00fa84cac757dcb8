import type { Readable, Writable } from 'node:stream';

/**
 * Everything a tool's logic may touch of the outside world. Logic receives this
 * explicitly, so tests run tools in-process with their own streams.
 */
export interface ToolIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Whether stderr is a terminal (progress is shown only then, or with --progress). */
  stderrIsTTY: boolean;
  /**
   * Aborted when the run is asked to stop (SIGINT, SIGTERM, or standard output closed under
   * a tool that changes things); its reason is an InterruptedError. Logic checks it between
   * steps (throwIfInterrupted) and finishes or rolls back the step it is in.
   */
  signal?: AbortSignal;
}

export function processIO(signal?: AbortSignal): ToolIO {
  return {
    // process.stdin builds its stream (tty, net…) when first read: only tools that read it pay (start-up time).
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    ...(signal ? { signal } : {}),
  };
}
