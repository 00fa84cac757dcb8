// A bound on how long a call waits for the server's answer: a server that accepts the
// connection and then says nothing would otherwise hang a tool for ever. Timed-out calls
// are retried like other transient failures.

/** rclone's --timeout default (IO idle timeout). */
export const DEFAULT_TIMEOUT_MS = 300_000;

export interface AnswerTimeout {
  /** Aborts on the caller's signal or when the time is up. */
  signal: AbortSignal;
  ms: number;
  timedOut(): boolean;
  /** Stops the clock (the answer arrived, or the attempt is over). */
  clear(): void;
}

export function answerTimeout(ms: number, outer?: AbortSignal): AnswerTimeout {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${ms} ms`)), ms);
  return {
    signal: outer ? AbortSignal.any([outer, controller.signal]) : controller.signal,
    ms,
    timedOut: () => controller.signal.aborted,
    clear: () => clearTimeout(timer),
  };
}
