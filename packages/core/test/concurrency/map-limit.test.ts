import { describe, expect, it } from 'vitest';
import { forEachLimit, mapLimit } from '../../src/index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function gauge() {
  const g = { inside: 0, most: 0 };
  const enter = (): void => {
    g.inside++;
    g.most = Math.max(g.most, g.inside);
  };
  return { g, enter, leave: () => void g.inside-- };
}

describe('mapLimit', () => {
  it.each([1, 3, 100])('keeps results in input order with limit %d, never more in flight', async (limit) => {
    const { g, enter, leave } = gauge();
    const items = [30, 5, 20, 1, 10, 0, 15];
    const results = await mapLimit(items, limit, async (ms, index) => {
      enter();
      await sleep(ms);
      leave();
      return `${index}:${ms}`;
    });
    expect(results).toEqual(items.map((ms, i) => `${i}:${ms}`));
    expect(g.most).toBe(Math.min(limit, items.length));
  });

  it('returns [] for no items', async () => expect(await mapLimit([], 4, () => Promise.resolve(1))).toEqual([]));

  it('stops starting work after a failure, waits for what runs, throws the first error', async () => {
    const started: number[] = [];
    let finished = 0;
    const run = mapLimit([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      if (i === 1) throw new Error(`fail ${i}`);
      await sleep(20);
      finished++;
      return i;
    });
    await expect(run).rejects.toThrow('fail 1');
    // 0 was in flight when 1 failed: it completed before mapLimit returned.
    expect(finished).toBe(started.length - 1);
    expect(started).toEqual([0, 1]);
  });

  it.each([0, 2.5])('rejects the limit %s', async (limit) => expect(mapLimit([1], limit, () => Promise.resolve(1))).rejects.toThrow(RangeError));
});

describe('forEachLimit', () => {
  it('pulls from an async iterable only when a slot is free (bounded memory)', async () => {
    let produced = 0;
    let consumed = 0;
    let most = 0;
    async function* source(): AsyncGenerator<number> {
      for (let i = 0; i < 50; i++) {
        produced++;
        most = Math.max(most, produced - consumed);
        yield i;
      }
    }
    const seen: number[] = [];
    await forEachLimit(source(), 4, async (i) => {
      await sleep(1);
      seen.push(i);
      consumed++;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(most).toBeLessThanOrEqual(4);
  });

  it('closes the iterator on failure', async () => {
    let closed = false;
    function* source(): Generator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    await expect(forEachLimit(source(), 3, async (i) => {
      if (i === 5) throw new Error('five');
    })).rejects.toThrow('five');
    expect(closed).toBe(true);
  });

  it('reports an error thrown by the source', async () => {
    async function* source(): AsyncGenerator<number> {
      yield 1;
      throw new Error('source broke');
    }
    const seen: number[] = [];
    await expect(forEachLimit(source(), 2, async (i) => void seen.push(i))).rejects.toThrow('source broke');
    expect(seen).toEqual([1]);
  });
});
