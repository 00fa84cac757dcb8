import { isB2Error } from '@rclone-b2/core';

/**
 * Whether restoring a file again could succeed: B2 said "later" (429/5xx/408) even after
 * the client's own retries, or the connection broke mid-body (which no per-request retry
 * can cover). Integrity failures (SHA-1, crypt MAC) are not retried: the bytes are wrong.
 */
export function isTransient(error: unknown): boolean {
  if (isB2Error(error)) return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
  const message = error instanceof Error ? `${error.message} ${String((error.cause as Error | undefined)?.message ?? '')}` : '';
  return /terminated|ECONNRESET|EPIPE|socket|other side closed|premature close/i.test(message);
}

/** Runs `task` up to `attempts` times while its failures are transient (like rclone's --retries). */
export async function withFileRetries<T>(attempts: number, task: () => Promise<T>, onRetry?: (error: unknown, attempt: number) => void): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      onRetry?.(error, attempt);
    }
  }
}
