import type { MessagePort } from 'node:worker_threads';
import type { RowColumns } from './row-columns.js';

// What the main thread and the printing thread (text-parallel.ts, text-print-worker.ts) pass.

/** Bytes a thread's output buffers hold (a block of rows usually fits one). */
export const PRINT_CHUNK = 1 << 20;

/** The worker's input: the columns (names and paths as plain bytes) and how to take blocks. */
export interface PrintJob extends Omit<RowColumns, 'names' | 'paths'> {
  names: Uint8Array;
  paths: Uint8Array;
  human: boolean;
  blocks: number;
  blockRows: number;
  /** [0]: the next block to take; [1]: blocks the main thread has written. */
  control: Int32Array;
  /** Where the main thread gives back written output buffers. */
  returned: MessagePort;
}

/** A formatted block: its output, in order. */
export interface PrintReply {
  block: number;
  chunks: Uint8Array[];
}

export function isPrintReply(value: unknown): value is PrintReply {
  return typeof value === 'object' && value !== null && 'block' in value && typeof value.block === 'number' && 'chunks' in value && Array.isArray(value.chunks);
}

export function isPrintJob(value: unknown): value is PrintJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Partial<Record<keyof PrintJob, unknown>>;
  return job.ids instanceof Uint32Array && job.names instanceof Uint8Array && job.paths instanceof Uint8Array && job.control instanceof Int32Array && typeof job.blocks === 'number';
}

/** The buffers under `arrays`, to move to the other thread (none is shared memory here). */
export function transferable(arrays: Uint8Array[] | Array<{ buffer: ArrayBufferLike }>): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) out.push(a.buffer);
  return out;
}
