import type { Logger } from '@rclone-b2/core';

export interface HealthCheck {
  /** healthchecks.io style: POST URL/start, URL on success, URL/fail with the log tail. */
  url?: string;
  /** Coal Mine style canary (the original's CANARY=): fetched only on success. */
  canary?: string;
}

async function ping(url: string, logger: Logger, body?: string): Promise<void> {
  try {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    if (!response.ok) logger.warn(`health check ${url} answered ${response.status}`);
  } catch (error) {
    logger.warn(`health check ${url} failed: ${(error as Error).message}`);
  }
}

const join = (base: string, suffix: string): string => `${base.replace(/\/+$/, '')}/${suffix}`;

/** A ping failure is only a warning: the backup's own result matters more. */
export async function pingStart(check: HealthCheck, logger: Logger): Promise<void> {
  if (check.url) await ping(join(check.url, 'start'), logger, '');
}

export async function pingResult(check: HealthCheck, logger: Logger, ok: boolean, log: string): Promise<void> {
  // healthchecks.io keeps the first 100 kB of a ping body.
  const body = log.length > 90_000 ? log.slice(-90_000) : log;
  if (check.url) await ping(ok ? check.url : join(check.url, 'fail'), logger, body);
  if (ok && check.canary) await ping(check.canary, logger);
}
