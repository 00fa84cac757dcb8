// The exit statuses every tool uses, so cron mail and health checks can tell them apart.
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** The operation ran and found a problem (verify mismatch, unmatched path, failed deletions). */
  Problem: 1,
  /** Usage or configuration error. */
  Usage: 2,
  /** A safety guard refused to act. */
  Guard: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_STATUS_HELP = [
  'EXIT STATUS',
  '  0  success',
  '  1  the operation ran and found a problem, or could not complete (e.g. server unreachable)',
  '  2  usage or configuration error (bad flag or value, unreadable config or input file)',
  '  3  a safety guard refused to act (nothing was changed)',
].join('\n');
