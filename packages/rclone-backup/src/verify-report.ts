import { ExitCode, formatSize, type ExitCodeValue, type Logger } from '@rclone-b2/core';
import type { VerifySummary } from './verify.js';

/**
 * Says what a verify found: every failing path, and always one line saying how many files
 * and bytes were checked and how many failed (a notice, so -q hides it when all is well);
 * returns the exit status (1 on any failure).
 */
export function reportVerify(summary: VerifySummary, logger: Logger): ExitCodeValue {
  for (const path of summary.missing) logger.error(`missing at the destination: ${path}`);
  for (const path of summary.extra) logger.error(`only at the destination (not in the source): ${path}`);
  for (const path of summary.differ) logger.error(`differs: ${path}`);
  for (const path of summary.errors) logger.error(`could not check: ${path}`);
  for (const problem of summary.problems) logger.error(problem);
  const { checked, total } = summary;
  const line = `verify ${summary.config}: checked the contents of ${checked.files} of ${total.files} files (${formatSize(checked.bytes)} of ${formatSize(total.bytes)}) by ${summary.mode === 'download' ? 'download' : 'hash'}; ${summary.present} files present on both sides; ${summary.failed} failed`;
  if (summary.failed > 0) {
    logger.error(`${line} (${summary.missing.length} missing, ${summary.extra.length} only at the destination, ${summary.differ.length} differ, ${summary.errors.length} unreadable${summary.problems.length ? `, ${summary.problems.length} rclone failures` : ''})`);
    return ExitCode.Problem;
  }
  logger.notice(line);
  return ExitCode.Ok;
}
