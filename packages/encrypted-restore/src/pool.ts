/**
 * Runs tasks with at most `limit` in flight, accepting new ones as a stream produces
 * them: `add` waits while the pool is full, so memory stays bounded by `limit`.
 */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  constructor(private readonly limit: number) {}

  async add(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    const promise: Promise<void> = task().finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }
}
