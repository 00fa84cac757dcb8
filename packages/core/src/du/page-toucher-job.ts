import type { MessagePort } from 'node:worker_threads';

// What page-toucher.ts and its thread (page-toucher-worker.ts) pass.

/** The page size the thread steps by (every page of an array gets one touch). */
export const PAGE = 4096;
/** How far past a column's written end its pages are touched (bytes): a few input chunks' worth. */
export const TOUCH_AHEAD = 512 << 10;

/** Columns one thread can follow. */
export const TOUCH_SLOTS = 24;

/**
 * Places in the shared control array: a stop flag, a counter bumped at every update, 1 while
 * the thread waits for one, each slot's written end, then how far the thread has touched each slot.
 */
export const TOUCH_CONTROL = { stop: 0, generation: 1, sleeping: 2, filled: 3, touched: 3 + TOUCH_SLOTS, length: 3 + 2 * TOUCH_SLOTS } as const;

/** The thread's first message. */
export interface ToucherStart {
  control: Int32Array;
  /** Where the columns come (ToucherTarget), as they are made and regrown. */
  targets: MessagePort;
}

/** A column to follow from byte `from` on (slot: its place in the control array). */
export interface ToucherTarget {
  slot: number;
  buffer: SharedArrayBuffer;
  from: number;
}

export function isToucherStart(value: unknown): value is ToucherStart {
  return typeof value === 'object' && value !== null && 'control' in value && value.control instanceof Int32Array && 'targets' in value && typeof value.targets === 'object';
}
