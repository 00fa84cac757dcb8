import type { Writable } from 'node:stream';

/** Levels follow rclone: -q shows errors only, default adds warnings and notices, -v info, -vv debug. */
export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  notice(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  readonly verbosity: number;
}

export interface LoggerOptions {
  tool: string;
  stream: Writable;
  /** -1 for --quiet, 0 default, 1 for -v, 2 for -vv. */
  verbosity: number;
  /** Strings that must never be printed (passwords, keys, tokens). */
  secrets?: readonly string[];
}

export function createLogger(options: LoggerOptions): Logger {
  const { tool, stream, verbosity } = options;
  const secrets = options.secrets ?? [];
  const emit = (minimum: number, message: string): void => {
    if (verbosity >= minimum) stream.write(`${tool}: ${redact(message, secrets)}\n`);
  };
  return {
    verbosity,
    error: (m) => emit(-1, m),
    warn: (m) => emit(0, m),
    notice: (m) => emit(0, m),
    info: (m) => emit(1, m),
    debug: (m) => emit(2, m),
  };
}

/** Replaces every occurrence of each secret by `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('***');
  }
  return result;
}
