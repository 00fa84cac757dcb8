import { Semaphore } from './semaphore.js';

/**
 * Runs tasks handed over one at a time, as a stream produces them, with at most `limit`
 * in flight. `add` waits while the pool is full (back-pressure: memory stays bounded by
 * `limit`), then starts the task without waiting for it. After a task fails nothing new
 * is started: the next `add` or `drain` waits for the tasks still running and throws
 * that first error (no work is left running behind the caller's back). For a list or
 * iterable of items known up front, forEachLimit is simpler.
 */
export class TaskPool {
  private readonly slots: Semaphore;
  private readonly inFlight = new Set<Promise<void>>();
  private failed = false;
  private firstError: unknown;

  constructor(limit: number) {
    this.slots = new Semaphore(limit);
  }

  get limit(): number {
    return this.slots.limit;
  }

  /** Tasks started and not yet finished. */
  get running(): number {
    return this.inFlight.size;
  }

  async add(task: () => Promise<void>): Promise<void> {
    if (this.failed) return this.drain();
    const release = await this.slots.acquire();
    if (this.failed) {
      release();
      return this.drain();
    }
    const run = this.run(task, release);
    this.inFlight.add(run);
    void run.then(() => this.inFlight.delete(run));
  }

  /** Waits for every task started; throws the first task error, if any. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.failed) throw this.firstError;
  }

  /** Never rejects: a failure is kept for add/drain to throw. */
  private async run(task: () => Promise<void>, release: () => void): Promise<void> {
    try {
      await task();
    } catch (error) {
      if (!this.failed) this.firstError = error;
      this.failed = true;
    } finally {
      release();
    }
  }
}
