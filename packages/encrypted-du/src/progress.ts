import type { Writable } from 'node:stream';
import { escapeName } from '@rclone-b2/core';

export interface DuProgressState {
  versions: number;
  files: number;
  path: string;
}

export interface Progress {
  update(state: DuProgressState): void;
  done(state: DuProgressState): void;
}

/** One line; the path escaped, so a name cannot move the cursor or break the line. */
const format = (s: DuProgressState, rate: number): string =>
  `${s.versions.toLocaleString('en-US')} versions, ${s.files.toLocaleString('en-US')} files` +
  ` (${Math.round(rate).toLocaleString('en-US')} versions/s)${s.path ? `, at ${escapeName(s.path)}` : ''}`;

/**
 * Progress on stderr: one rewritten line on a terminal, a line every few seconds when
 * forced on a pipe or file (so logs stay readable). Never writes to stdout.
 */
export function createProgress(stream: Writable, tty: boolean, now: () => number = Date.now): Progress {
  const started = now();
  const every = tty ? 200 : 5000;
  let last = 0;
  const rate = (s: DuProgressState): number => s.versions / Math.max(0.001, (now() - started) / 1000);
  return {
    update(state) {
      const t = now();
      if (t - last < every) return;
      last = t;
      stream.write(tty ? `\r\x1b[K${format(state, rate(state))}` : `encrypted-du: ${format(state, rate(state))}\n`);
    },
    done(state) {
      const line = format({ ...state, path: '' }, rate(state));
      stream.write(tty ? `\r\x1b[K${line}\n` : `encrypted-du: ${line}\n`);
    },
  };
}
