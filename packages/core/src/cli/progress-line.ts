import type { Writable } from 'node:stream';
import { formatDuration } from '../text/durations.js';

/** A tool's progress shown as one line: `update` as work goes on, `done` once at the end. */
export interface ProgressLine<S> {
  update(state: S): void;
  done(state: S): void;
}

export interface ProgressLineOptions<S> {
  /** stderr: stdout carries the tool's output and never gets progress. */
  stream: Writable;
  /** On a terminal the line is rewritten in place; elsewhere (forced with --progress) it is logged. */
  tty: boolean;
  /** Prefix of logged lines (`tool: …`), as the tool's other messages. */
  tool: string;
  /** The line's text; `seconds` since the start (at least 1 ms) is there for rates. */
  format: (state: S, seconds: number) => string;
  now?: () => number;
}

/** Redraws on a terminal this often: smooth, yet cheap next to the work. */
const TERMINAL_EVERY_MS = 200;
/** Logs this rarely on a pipe or file, so logs stay readable. */
const LOG_EVERY_MS = 5000;
/** Back to the line's start and clear it, so a shorter line leaves no tail. */
const REWRITE = '\r\x1b[K';

export function createProgressLine<S>(options: ProgressLineOptions<S>): ProgressLine<S> {
  const { stream, tty, tool, format, now = Date.now } = options;
  const started = now();
  const every = tty ? TERMINAL_EVERY_MS : LOG_EVERY_MS;
  let last = 0;
  const text = (state: S): string => format(state, Math.max(0.001, (now() - started) / 1000));
  return {
    update(state) {
      const t = now();
      if (t - last < every) return;
      last = t;
      stream.write(tty ? `${REWRITE}${text(state)}` : `${tool}: ${text(state)}\n`);
    },
    // On a terminal the final line is ended, so what the tool prints next starts on a clean line.
    done(state) {
      stream.write(tty ? `${REWRITE}${text(state)}\n` : `${tool}: ${text(state)}\n`);
    },
  };
}

/** `ETA 3m20s` from the share done so far and the time it took; `ETA -` before anything is done. */
export function etaText(done: number, total: number, seconds: number): string {
  if (done <= 0 || seconds <= 0) return 'ETA -';
  return `ETA ${formatDuration((Math.max(0, total - done) / (done / seconds)) * 1000)}`;
}
