import { Worker } from 'node:worker_threads';
import { duWorkerUrl } from '../worker-url.js';
import { isPrintReply } from './text-print-job.js';

// The worker thread of the two-thread text report (text-parallel.ts): starting it, and what it has sent.

/**
 * The printing thread, started before the rows are sorted (its start-up overlaps the
 * sort); its job follows by message. Its formatted blocks wait here until written.
 */
export class PrintThread {
  readonly received = new Map<number, Uint8Array[]>();
  stopped = false;
  ready = false;
  private wake: (() => void) | undefined;
  /** Blocks the main thread formatted itself: the worker's copy is dropped when it comes. */
  private readonly skipped = new Set<number>();

  private constructor(readonly worker: Worker) {
    worker.on('message', (reply: unknown) => {
      if (!isPrintReply(reply)) this.ready = true;
      else if (!this.skipped.delete(reply.block)) this.received.set(reply.block, reply.chunks);
      this.notify();
    });
    // An error or a stop: the main thread formats what the worker did not.
    worker.on('error', () => this.end());
    worker.on('exit', () => this.end());
  }

  /** A printing thread, or undefined where it cannot start (RCLONE_B2_DU_THREADS=0, no worker module). */
  static start(): PrintThread | undefined {
    const url = duWorkerUrl('du-text-print-worker', 'printers/text-print-worker.js');
    if (url === undefined || process.env.RCLONE_B2_DU_THREADS === '0') return undefined;
    return new PrintThread(new Worker(url));
  }

  /** Resolves at the worker's next message or its end, or after `ms` milliseconds. */
  next(ms?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.notify(), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Block b is formatted by the main thread after all (the worker's copy, if it comes, is dropped). */
  skip(b: number): void {
    if (!this.received.delete(b)) this.skipped.add(b);
  }

  async stop(): Promise<void> {
    if (!this.stopped) await this.worker.terminate();
    this.end();
  }

  private end(): void {
    this.stopped = true;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
