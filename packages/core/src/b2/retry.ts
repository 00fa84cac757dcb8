// Back-off, Retry-After and the clock the client sleeps on (replaceable in tests).

/** Time source and sleeper for the client; tests pass a fake one. */
export interface B2Clock {
  now(): number;
  /** Resolves after `ms`, rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: B2Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First back-off in ms (default 1000). */
  baseDelayMs?: number;
  /** Longest back-off in ms (default 64000). */
  maxDelayMs?: number;
  /** Growth per retry (default 2). */
  factor?: number;
  /** Fraction of the delay that is random (default 0.5: delay × [0.5, 1)). */
  jitter?: number;
  /** Random source in [0, 1) (tests). */
  random?: () => number;
}

export type ResolvedRetry = Required<RetryOptions>;

export function resolveRetry(options: RetryOptions = {}): ResolvedRetry {
  return {
    retries: options.retries ?? 5,
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 64_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.5,
    random: options.random ?? Math.random,
  };
}

/** Exponential back-off with jitter for retry number `attempt` (0-based). */
export function backoffMs(retry: ResolvedRetry, attempt: number): number {
  const full = Math.min(retry.maxDelayMs, retry.baseDelayMs * retry.factor ** attempt);
  return Math.round(full * (1 - retry.jitter * retry.random()));
}

/** Retry-After as milliseconds: integer seconds or an HTTP date; undefined when absent/invalid. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** HTTP statuses worth retrying (B2 docs: 408, 429, 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
