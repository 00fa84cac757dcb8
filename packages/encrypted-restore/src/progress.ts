import type { Writable } from 'node:stream';
import { formatIecSize } from '@rclone-b2/core';

export interface RestoreCounts {
  restored: number;
  skipped: number;
  failed: number;
  bytes: number;
}

/** A progress line on stderr: rewritten on a terminal, every few seconds otherwise. */
export function createProgress(stream: Writable, tty: boolean, now: () => number = Date.now) {
  const started = now();
  let last = 0;
  const line = (c: RestoreCounts): string => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    return (
      `${c.restored} restored, ${c.skipped} already there, ${c.failed} failed, ` +
      `${formatIecSize(c.bytes)} (${formatIecSize(Math.round(c.bytes / seconds))}/s)`
    );
  };
  return {
    update(counts: RestoreCounts): void {
      const t = now();
      if (t - last < (tty ? 200 : 5000)) return;
      last = t;
      stream.write(tty ? `\r\x1b[K${line(counts)}` : `encrypted-restore: ${line(counts)}\n`);
    },
    done(counts: RestoreCounts): void {
      stream.write(tty ? `\r\x1b[K${line(counts)}\n` : `encrypted-restore: ${line(counts)}\n`);
    },
  };
}

export type RestoreProgress = ReturnType<typeof createProgress>;
