import { createProgressLine, etaText, formatIecSize, type ProgressLine } from '@rclone-b2/core';
import type { BackupContext } from './context.js';

export interface VerifyCounts {
  files: number;
  bytes: number;
}

/**
 * Verify's progress on a terminal: files and bytes compared of the sample, rate, ETA (the
 * sample's size is known before the first batch). Off when stderr is not a terminal (the
 * nightly runner's jobs never have one) or with -q.
 */
export function verifyProgress(ctx: BackupContext, sample: VerifyCounts, now?: () => number): ProgressLine<VerifyCounts> | undefined {
  if (!ctx.io.stderrIsTTY || ctx.verbosity < 0) return undefined;
  return createProgressLine<VerifyCounts>({
    stream: ctx.io.stderr,
    tty: true,
    tool: 'rclone-backup',
    ...(now ? { now } : {}),
    format: (s, seconds) =>
      `verify: ${s.files}/${sample.files} files, ${formatIecSize(s.bytes)}/${formatIecSize(sample.bytes)}, ${formatIecSize(s.bytes / seconds)}/s, ${etaText(s.bytes, sample.bytes, seconds)}`,
  });
}
