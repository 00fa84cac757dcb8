import { ConfigError } from '@rclone-b2/core';

export interface HealthCheck {
  /** healthchecks.io style: POST URL/start, URL on success, URL/fail with the log tail. */
  url?: string;
  /** Coal Mine style canary (the original's CANARY=): fetched only on success. */
  canary?: string;
  /** Each ping gives up after this long, so a dead monitoring server never hangs the run. */
  timeoutMs: number;
}

export const DEFAULT_PING_TIMEOUT = '10s';

/**
 * A ping URL is a credential (hc-ping.com/UUID lets anyone report for that check): only
 * its scheme and host are ever shown.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '(an invalid URL)';
  }
}

/** Refuses a URL fetch would choke on, before anything runs, without printing it. */
export function checkPingUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${what} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${what} must be an http:// or https:// URL, not ${parsed.protocol}`);
  return url;
}

function why(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000}s`;
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return `host not found (${cause.code})`;
  if (cause?.code) return cause.code;
  // undici's "fetch failed" says nothing; its cause does ("bad port", TLS errors).
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** One ping; resolves to what went wrong (URL redacted), or undefined when it got through. */
async function ping(url: string, timeoutMs: number, body?: string): Promise<string | undefined> {
  // fetch's own message for a bad URL quotes it whole.
  if (!URL.canParse(url)) return 'the ping URL is not a valid URL';
  try {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    return response.ok ? undefined : `${redactUrl(url)} answered HTTP ${response.status}`;
  } catch (error) {
    return `${redactUrl(url)}: ${why(error, timeoutMs)}`;
  }
}

const join = (base: string, suffix: string): string => `${base.replace(/\/+$/, '')}/${suffix}`;

/** The start ping; resolves to a problem or undefined, never rejects. */
export async function pingStart(check: HealthCheck): Promise<string | undefined> {
  return check.url ? ping(join(check.url, 'start'), check.timeoutMs, '') : undefined;
}

/** The success or failure ping (and the canary on success); resolves to the problems. */
export async function pingResult(check: HealthCheck, ok: boolean, log: string): Promise<string[]> {
  // healthchecks.io keeps the first 100 kB of a ping body.
  const body = log.length > 90_000 ? log.slice(-90_000) : log;
  const problems = [
    check.url ? await ping(ok ? check.url : join(check.url, 'fail'), check.timeoutMs, body) : undefined,
    ok && check.canary ? await ping(check.canary, check.timeoutMs) : undefined,
  ];
  return problems.filter((p): p is string => p !== undefined);
}

/** The URLs themselves, for redacting any text that might still contain one. */
export const pingSecrets = (check: HealthCheck): string[] => [check.url, check.canary].filter((u): u is string => Boolean(u));
