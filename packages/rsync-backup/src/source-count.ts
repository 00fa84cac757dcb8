import { execa } from 'execa';
import { ProblemError, programEnding, programNotStarted } from '@rclone-b2/core';
import type { RsyncBackupConfig } from './config.js';
import { selectionArgs } from './rsync-args.js';

export interface SourceCount {
  files: number;
  bytes: number;
}

/**
 * Counts what the snapshot will hold, with the same selection rsync uses (excludes,
 * --relative, --one-file-system), by streaming `rsync --list-only`: one line per entry,
 * `-rw-r--r--   1,234 2026/12/05 03:15:00 path`. Directories and links count as entries.
 */
export async function countSource(config: RsyncBackupConfig, rsync: string, signal?: AbortSignal): Promise<SourceCount> {
  const count = { files: 0, bytes: 0 };
  const child = execa(rsync, ['-aH', '--list-only', ...selectionArgs(config), ...config.sources], { lines: false, reject: false, buffer: { stdout: false }, cancelSignal: signal });
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^(\S)\S*\s+([\d,]+)\s/.exec(line);
      if (!m) continue;
      count.files += 1;
      if (m[1] === '-') count.bytes += Number(m[2]!.replace(/,/g, ''));
    }
  });
  const result = await child;
  // Not found or not executable: no exit status to speak of; the --rsync given (or PATH) is the error.
  const notStarted = programNotStarted(rsync, result);
  if (notStarted) throw notStarted;
  // 24: files vanished while listing; the count is still a fair measure.
  if (result.isCanceled) throw signal?.reason instanceof Error ? signal.reason : new ProblemError('rsync --list-only was stopped');
  if (result.exitCode !== 0 && result.exitCode !== 24) {
    const last = String(result.stderr).trim().split('\n').at(-1) ?? '';
    throw new ProblemError(`rsync --list-only of the source failed (${programEnding(result)})${last ? `: ${last}` : ''}`);
  }
  return count;
}
