import { ToolError } from './errors.js';
import { ExitCode } from './exit-codes.js';

/**
 * Why a run was asked to stop: a signal (SIGINT, SIGTERM) or standard output closing under
 * a tool that changes things. It is the reason of the AbortSignal that runTool hands to
 * main (io.signal), so anything aborted by it (a fetch, rclone) rejects with this error.
 */
export class InterruptedError extends ToolError {
  readonly signal?: NodeJS.Signals;
  constructor(message: string, signal?: NodeJS.Signals) {
    super(message, ExitCode.Problem);
    this.signal = signal;
  }
}

/** Shells report death by signal N as 128 + N: 130 for SIGINT, 143 for SIGTERM. */
export const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

let processSignal: AbortSignal | undefined;

/**
 * The signal of the running tool's process, set by runTool. Code that starts child
 * processes (runRclone) uses it when not given one, so a child never outlives a stop.
 */
export function interruptSignal(): AbortSignal | undefined {
  return processSignal;
}

export function setInterruptSignal(signal: AbortSignal | undefined): void {
  processSignal = signal;
}

/** Throws the interruption (an InterruptedError) when `signal` was aborted: call it between steps. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof Error ? reason : new InterruptedError('interrupted');
}
