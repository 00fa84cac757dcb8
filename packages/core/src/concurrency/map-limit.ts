import { checkLimit } from './semaphore.js';

type Source<T> = Iterable<T> | AsyncIterable<T>;

function iteratorOf<T>(items: Source<T>): Iterator<T> | AsyncIterator<T> {
  return Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
}

/**
 * Calls `work` on every item with at most `limit` calls in flight. Items are pulled
 * from the (async) iterable only when a slot is free, so a stream of millions of items
 * keeps memory bounded by `limit`. On the first failure no new item is started; the
 * calls in flight are awaited, then that first error is thrown (no work is left running
 * behind the caller's back).
 */
export async function forEachLimit<T>(items: Source<T>, limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  checkLimit(limit);
  const iterator = iteratorOf(items);
  let index = 0;
  let failed = false;
  let firstError: unknown;
  let pulling: Promise<unknown> = Promise.resolve();
  // One pull at a time: async iterators are not required to handle overlapping next() calls.
  const pull = (): Promise<IteratorResult<T>> => {
    const next = pulling.then(() => iterator.next());
    pulling = next.catch(() => undefined);
    return next;
  };
  const worker = async (): Promise<void> => {
    while (!failed) {
      let result: IteratorResult<T>;
      try {
        result = await pull();
      } catch (error) {
        if (!failed) firstError = error;
        failed = true;
        return;
      }
      if (result.done || failed) return;
      try {
        await work(result.value, index++);
      } catch (error) {
        if (!failed) firstError = error;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Array.isArray(items) ? Math.min(limit, items.length) : limit }, worker));
  if (failed) {
    await iterator.return?.();
    throw firstError;
  }
}

/** forEachLimit that keeps each call's result, in the order of the items. */
export async function mapLimit<T, R>(items: Source<T>, limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  await forEachLimit(items, limit, async (item, index) => {
    results[index] = await work(item, index);
  });
  return results;
}
