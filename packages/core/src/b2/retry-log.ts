// One line per retry at -v, so a slow run says why it is slow (rclone logs its low-level
// retries the same way).
import type { Logger } from '../cli/logger.js';
import type { B2RetryEvent } from './client.js';

/** `b2_list_file_versions: 503 service_unavailable (Service unavailable); retry 1/5 in 1.2 s` */
export function formatRetry(event: B2RetryEvent): string {
  const what = event.status === 0 ? `network error (${event.reason})` : `${event.status} ${event.code} (${event.reason})`;
  // A free token renewal spends no retry, so it gets no number (it may follow the last one).
  if (!event.counted) return `${event.call}: ${what}; re-authorizing, then trying again (token renewals do not count against the ${event.retries} retries)`;
  const next = event.reauthorized ? 're-authorizing, then retry' : 'retry';
  const wait = event.reauthorized ? '' : ` in ${(event.waitMs / 1000).toFixed(1)} s`;
  return `${event.call}: ${what}; ${next} ${event.attempt}/${event.retries}${wait}`;
}

/** An onRetry hook for B2ClientOptions that logs at info level (-v). */
export function logRetries(logger: Pick<Logger, 'info'>): (event: B2RetryEvent) => void {
  return (event) => logger.info(formatRetry(event));
}
