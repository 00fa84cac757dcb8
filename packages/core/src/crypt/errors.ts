import { ExitCode } from '../cli/exit-codes.js';
import { ToolError } from '../cli/errors.js';

/** A name that is not a valid rclone-crypt name for these keys and settings. */
export class CryptNameError extends ToolError {
  /** The whole name that was being decrypted. */
  readonly input: string;
  /** The path segment that failed. */
  readonly segment: string;
  /** Why it failed, e.g. `not valid base32`. */
  readonly reason: string;
  constructor(input: string, segment: string, reason: string) {
    super(
      input === segment
        ? `cannot decrypt name "${segment}": ${reason}`
        : `cannot decrypt name "${input}": segment "${segment}": ${reason}`,
      ExitCode.Problem,
    );
    this.input = input;
    this.segment = segment;
    this.reason = reason;
  }
}

/** Encrypted file contents that cannot be decrypted (tampered, truncated, wrong key, not crypt). */
export class CryptDataError extends ToolError {
  readonly label: string | undefined;
  constructor(message: string, label?: string) {
    super(label ? `${label}: ${message}` : message, ExitCode.Problem);
    this.label = label;
  }
}
