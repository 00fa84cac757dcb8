/** A failed B2 call: HTTP status (0 for network errors), B2's error code and message. Never carries secrets. */
export class B2Error extends Error {
  readonly status: number;
  readonly code: string;
  /** The API call that failed, e.g. `b2_list_file_versions`. */
  readonly call: string;
  /** The server's message (already redacted). */
  readonly b2Message: string;

  constructor(call: string, status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(`${call}: ${status === 0 ? '' : `${status} `}${code}: ${message}`, options);
    this.name = 'B2Error';
    this.call = call;
    this.status = status;
    this.code = code;
    this.b2Message = message;
  }
}

export function isB2Error(error: unknown): error is B2Error {
  return error instanceof B2Error;
}

/** The first b2_authorize_account could not connect at all (wrong endpoint, closed port, DNS). */
export class B2UnreachableError extends B2Error {
  /** The endpoint tried, e.g. `https://api.backblazeb2.com`. */
  readonly endpoint: string;

  constructor(endpoint: string, reason: string) {
    super('b2_authorize_account', 0, 'unreachable', `cannot reach ${endpoint}: ${reason}`);
    this.message = `cannot reach the B2 API at ${endpoint}: ${reason}`;
    this.name = 'B2UnreachableError';
    this.endpoint = endpoint;
  }
}
