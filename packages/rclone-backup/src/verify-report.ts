import { ExitCode, type ExitCodeValue, type Logger } from '@rclone-b2/core';
import type { VerifySummary } from './verify.js';

/** Says what a verify found, one line per bad file and a verdict; returns the exit status. */
export function reportVerify(summary: VerifySummary, logger: Logger): ExitCodeValue {
  for (const path of summary.differ) logger.error(`differs: ${path}`);
  for (const path of summary.missing) logger.error(`missing in destination: ${path}`);
  for (const path of summary.errors) logger.error(`could not check: ${path}`);
  const bad = summary.differ.length + summary.missing.length + summary.errors.length;
  if (bad > 0) {
    logger.error(`verify failed: ${bad} of ${summary.selected.files} files differ, are missing or could not be checked`);
    return ExitCode.Problem;
  }
  logger.info(`verified ${summary.matched} files, all equal`);
  return ExitCode.Ok;
}
