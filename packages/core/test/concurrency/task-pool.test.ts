import { describe, expect, it } from 'vitest';
import { TaskPool } from '../../src/index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('TaskPool', () => {
  it('runs at most `limit` tasks at once and makes add wait while full', async () => {
    const pool = new TaskPool(2);
    let inside = 0;
    let most = 0;
    let done = 0;
    const addsReturned: number[] = [];
    for (let i = 0; i < 6; i++) {
      await pool.add(async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(10);
        inside--;
        done++;
      });
      // back-pressure: the i-th add returns only once at most `limit` tasks are unfinished
      addsReturned.push(i + 1 - done);
    }
    await pool.drain();
    expect(most).toBe(2);
    expect(Math.max(...addsReturned)).toBeLessThanOrEqual(2);
    expect(done).toBe(6);
    expect(pool.running).toBe(0);
  });

  it('after a failure starts nothing new, waits for running tasks, and throws the first error', async () => {
    const pool = new TaskPool(2);
    const started: number[] = [];
    let finished = 0;
    const adding = (async () => {
      for (let i = 0; i < 10; i++) {
        await pool.add(async () => {
          started.push(i);
          if (i >= 1) {
            await sleep(5);
            throw new Error(`fail ${i}`);
          }
          await sleep(30);
          finished++;
        });
      }
      await pool.drain();
    })();
    await expect(adding).rejects.toThrow('fail 1');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
    expect(pool.running).toBe(0);
  });

  it('drain throws a failure of the last tasks', async () => {
    const pool = new TaskPool(3);
    await pool.add(() => Promise.reject(new Error('late')));
    await expect(pool.drain()).rejects.toThrow('late');
  });

  it('keeps a synchronous throw as the task failure', async () => {
    const pool = new TaskPool(1);
    await pool.add(() => {
      throw new Error('sync');
    });
    await expect(pool.drain()).rejects.toThrow('sync');
  });

  it.each([0, -1, 1.5])('rejects the limit %s', (limit) => expect(() => new TaskPool(limit)).toThrow(RangeError));
});
