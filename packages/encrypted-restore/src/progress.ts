import type { Writable } from 'node:stream';
import { createProgressLine, formatIecSize, type ProgressLine } from '@rclone-b2/core';

export interface RestoreCounts {
  restored: number;
  skipped: number;
  failed: number;
  bytes: number;
}

export type RestoreProgress = ProgressLine<RestoreCounts>;

const format = (c: RestoreCounts, seconds: number): string =>
  `${c.restored} restored, ${c.skipped} already there, ${c.failed} failed, ` +
  `${formatIecSize(c.bytes)} (${formatIecSize(Math.round(c.bytes / seconds))}/s)`;

/** Progress on stderr (core's progress line). */
export function createProgress(stream: Writable, tty: boolean, now: () => number = Date.now): RestoreProgress {
  return createProgressLine<RestoreCounts>({ stream, tty, tool: 'encrypted-restore', now, format });
}
