import { MessageChannel, Worker } from 'node:worker_threads';
import { TOUCH_CONTROL, TOUCH_SLOTS, type ToucherStart, type ToucherTarget } from './page-toucher-job.js';
import { duWorkerUrl } from './worker-url.js';

// The first write to a page of fresh memory costs a page fault: ~13 µs on virtual machines
// like the one the benchmarks run on, where reading a large listing writes 100+ MB of new
// columns (~0.3 s of faults on the reading thread). A worker thread on the core that would
// otherwise idle touches each column's pages a little ahead of where this thread writes,
// so the reader writes into pages already mapped. The pages touched are the ones the
// reader is about to write: peak memory grows by at most TOUCH_AHEAD per column.

type Column = Uint8Array | Int32Array | Uint32Array | Float64Array;

/** Follows up to TOUCH_SLOTS columns in shared memory; `follow` after each chunk of input. */
export class PageToucher {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * TOUCH_CONTROL.length));
  private readonly targets = new MessageChannel();
  private readonly buffers: Array<ArrayBufferLike | undefined> = [];
  private stopped = false;

  private constructor(private readonly worker: Worker) {
    // Never what keeps the process alive, and an error in it only ends the touching.
    worker.unref();
    worker.on('error', () => this.stop());
    const start: ToucherStart = { control: this.control, targets: this.targets.port2 };
    worker.postMessage(start, [this.targets.port2]);
  }

  /** A toucher, or undefined where no worker can run (RCLONE_B2_DU_THREADS=0, no worker module). */
  static start(): PageToucher | undefined {
    const url = duWorkerUrl('du-page-toucher-worker', 'page-toucher-worker.js');
    if (url === undefined || process.env.RCLONE_B2_DU_THREADS === '0') return undefined;
    try {
      return new PageToucher(new Worker(url));
    } catch {
      return undefined;
    }
  }

  /**
   * Column `slot` is `column` (a new one is followed from its first page not yet written),
   * its first `length` elements written. Columns not in shared memory are left alone.
   */
  follow(slot: number, column: Column, length: number): void {
    if (this.stopped || slot >= TOUCH_SLOTS) return;
    const buffer = column.buffer;
    if (!(buffer instanceof SharedArrayBuffer)) return;
    const filled = column.byteOffset + length * column.BYTES_PER_ELEMENT;
    if (this.buffers[slot] !== buffer) {
      this.buffers[slot] = buffer;
      const target: ToucherTarget = { slot, buffer, from: filled };
      this.targets.port1.postMessage(target);
    }
    Atomics.store(this.control, TOUCH_CONTROL.filled + slot, filled);
  }

  /** How far into slot's column (bytes from its buffer's start) the thread has mapped the pages. */
  touched(slot: number): number {
    return Atomics.load(this.control, TOUCH_CONTROL.touched + slot);
  }

  /** After a round of follow(): the thread wakes if it waits. */
  wake(): void {
    if (this.stopped) return;
    Atomics.add(this.control, TOUCH_CONTROL.generation, 1);
    if (Atomics.load(this.control, TOUCH_CONTROL.sleeping) === 1) Atomics.notify(this.control, TOUCH_CONTROL.generation);
  }

  /** Ends the touching; the thread exits at its next step. */
  stop(): void {
    if (this.stopped) return;
    this.wake();
    this.stopped = true;
    Atomics.store(this.control, TOUCH_CONTROL.stop, 1);
    Atomics.notify(this.control, TOUCH_CONTROL.generation);
    this.targets.port1.close();
  }
}
