// What a failed fetch says about the connection: never made (wrong endpoint, DNS, closed
// port) or lost after it was made (reset, timeout). Only the second kind is worth retrying
// before the first authorization has ever succeeded.

/** Error codes meaning no connection to the server was ever made. */
const NEVER_CONNECTED: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EAI_NONAME: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

export interface NetworkFailure {
  /** The system or undici error code, when there is one (ECONNREFUSED, ECONNRESET, ...). */
  code: string | undefined;
  /** The lowest-level message (fetch's own is just "fetch failed"). */
  message: string;
  /** True when no connection was made at all (as opposed to one lost mid-call). */
  neverConnected: boolean;
  /** A short human reason: "connection refused", "host not found", or the message. */
  reason: string;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Reads a fetch rejection (TypeError "fetch failed" whose cause holds the real error). */
export function describeNetworkError(error: unknown): NetworkFailure {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const nested = cause instanceof AggregateError ? cause.errors[0] : undefined;
  const code = codeOf(cause) ?? codeOf(nested);
  const message = cause instanceof Error ? cause.message || (nested instanceof Error ? nested.message : '') : String(cause);
  const known = code === undefined ? undefined : NEVER_CONNECTED[code];
  // No code at all is fetch refusing the URL itself (bad port, bad scheme): as permanent.
  const neverConnected = known !== undefined || code === undefined;
  return { code, message, neverConnected, reason: known ?? message };
}
