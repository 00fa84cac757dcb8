/** An error answered as B2's JSON `{status, code, message}`. */
export class B2ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'B2ApiError';
  }

  toJSON(): { status: number; code: string; message: string } {
    return { status: this.status, code: this.code, message: this.message };
  }
}

export const badRequest = (message: string): B2ApiError => new B2ApiError(400, 'bad_request', message);
export const notFound = (message: string): B2ApiError => new B2ApiError(404, 'not_found', message);
