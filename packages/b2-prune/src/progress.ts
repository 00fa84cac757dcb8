import type { Writable } from 'node:stream';
import { createProgressLine, escapeName, type ProgressLine } from '@rclone-b2/core';

export interface PruneProgressState {
  versions: number;
  files: number;
  /** Versions deleted (or, in a dry run, that would be). */
  deleted: number;
  path: string;
}

export type Progress = ProgressLine<PruneProgressState>;

/** One line; the path escaped, so a name cannot move the cursor or break the line. */
const format = (s: PruneProgressState, rate: number, dryRun: boolean): string =>
  `${s.versions.toLocaleString('en-US')} versions, ${s.files.toLocaleString('en-US')} files listed` +
  ` (${Math.round(rate).toLocaleString('en-US')} versions/s), ${s.deleted.toLocaleString('en-US')} ${dryRun ? 'to delete' : 'deleted'}` +
  `${s.path ? `, at ${escapeName(s.path)}` : ''}`;

/** Listing progress on stderr (core's progress line); the final line leaves out the path. */
export function createProgress(stream: Writable, tty: boolean, dryRun: boolean, now: () => number = Date.now): Progress {
  const line = createProgressLine<PruneProgressState>({ stream, tty, tool: 'b2-prune', now, format: (s, seconds) => format(s, s.versions / seconds, dryRun) });
  return {
    update: (state) => line.update(state),
    done: (state) => line.done({ ...state, path: '' }),
  };
}
