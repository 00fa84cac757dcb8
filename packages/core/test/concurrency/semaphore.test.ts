import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/index.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('never lets more than limit holders in, and serves waiters in order', async () => {
    const s = new Semaphore(2);
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        s.use(async () => {
          order.push(i);
          inside++;
          most = Math.max(most, inside);
          await tick();
          inside--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(s.running).toBe(0);
  });

  it('lets a waiter give up with an AbortSignal, without losing the slot', async () => {
    const s = new Semaphore(1);
    const first = await s.acquire();
    const controller = new AbortController();
    const aborted = s.acquire(controller.signal);
    const next = s.acquire();
    expect(s.waiting).toBe(2);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    first();
    first(); // a second release is harmless
    const release = await next;
    expect(s.running).toBe(1);
    release();
    expect(s.running).toBe(0);
    await expect(s.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('serves the waiters behind an aborted one in order', async () => {
    const s = new Semaphore(1);
    const order: number[] = [];
    const first = await s.acquire();
    const controller = new AbortController();
    const second = s.acquire().then((release) => (order.push(2), release));
    const aborted = s.acquire(controller.signal).catch(() => order.push(-1));
    const third = s.acquire().then((release) => (order.push(3), release));
    controller.abort();
    await aborted;
    first();
    (await second)();
    (await third)();
    expect(order).toEqual([-1, 2, 3]);
    expect(s.running).toBe(0);
  });

  it('frees the slot when the task throws', async () => {
    const s = new Semaphore(1);
    await expect(s.use(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(s.running).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects the limit %s', (limit) => expect(() => new Semaphore(limit)).toThrow(RangeError));
});
