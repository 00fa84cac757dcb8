import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/** An error meant for the user: printed as `tool: message` and mapped to an exit code. */
export class ToolError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue = ExitCode.Problem, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad flags or arguments. */
export class UsageError extends ToolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Usage, options);
  }
}

/** A configuration file or environment that cannot be used; `where` is `file:line` when known. */
export class ConfigError extends ToolError {
  constructor(message: string, where?: string, options?: { cause?: unknown }) {
    super(where ? `${where}: ${message}` : message, ExitCode.Usage, options);
  }
}

/** A safety guard refused to act; nothing was changed. */
export class GuardError extends ToolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Guard, options);
  }
}

/** The operation ran and found a problem worth a non-zero status. */
export class ProblemError extends ToolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Problem, options);
  }
}

export function isToolError(error: unknown): error is ToolError {
  return error instanceof ToolError;
}
