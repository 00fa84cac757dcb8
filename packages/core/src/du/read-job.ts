import { isTreePart, type TreePart } from './tree-part.js';

// What the main thread and the reading thread (parallel-read.ts, read-worker.ts) pass.

/** Read from byte `from` to the end of the listing file open as `fd` (positioned reads: the descriptor is shared). */
export interface ReadJob {
  fd: number;
  from: number;
  /** Where the file ended when looked at (it is read to its end, as the main thread would). */
  expected: number;
  compiled: boolean;
}

/** The part read: undefined when a line could not be parsed or reading failed (the main thread reads it then). */
export interface ReadReply {
  lines: number;
  skipped: number;
  part: TreePart | undefined;
}

export function isReadJob(value: unknown): value is ReadJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Partial<Record<keyof ReadJob, unknown>>;
  return typeof job.fd === 'number' && typeof job.from === 'number' && typeof job.expected === 'number' && typeof job.compiled === 'boolean';
}

export function isReadReply(value: unknown): value is ReadReply {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as Partial<Record<keyof ReadReply, unknown>>;
  return typeof reply.lines === 'number' && typeof reply.skipped === 'number' && (reply.part === undefined || isTreePart(reply.part));
}
