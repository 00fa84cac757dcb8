import type { Writable } from 'node:stream';
import { createProgressLine, escapeName, type ProgressLine } from '@rclone-b2/core';

export interface DuProgressState {
  versions: number;
  files: number;
  path: string;
}

export type Progress = ProgressLine<DuProgressState>;

/** One line; the path escaped, so a name cannot move the cursor or break the line. */
const format = (s: DuProgressState, rate: number): string =>
  `${s.versions.toLocaleString('en-US')} versions, ${s.files.toLocaleString('en-US')} files` +
  ` (${Math.round(rate).toLocaleString('en-US')} versions/s)${s.path ? `, at ${escapeName(s.path)}` : ''}`;

/** Progress on stderr (core's progress line); the final line leaves out the path. */
export function createProgress(stream: Writable, tty: boolean, now: () => number = Date.now): Progress {
  const line = createProgressLine<DuProgressState>({ stream, tty, tool: 'encrypted-du', now, format: (s, seconds) => format(s, s.versions / seconds) });
  return {
    update: (state) => line.update(state),
    done: (state) => line.done({ ...state, path: '' }),
  };
}
