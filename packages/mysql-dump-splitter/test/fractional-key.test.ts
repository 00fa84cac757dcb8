import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyBetween, keysBetween } from '../src/fractional-key.js';

describe('fractional keys', () => {
  it.each([
    ['', null],
    ['', 'a'],
    ['a', 'b'],
    ['a', 'a1'],
    ['a0', 'a1'],
    ['1', '11'],
    ['z', null],
    ['zzz', null],
    ['', '01'],
  ])('keyBetween(%j, %j) lies strictly between', (a, b) => {
    const key = keyBetween(a, b);
    expect(key > a).toBe(true);
    if (b !== null) expect(key < b).toBe(true);
    expect(key).toMatch(/^[0-9a-z]+$/);
  });

  it('keysBetween gives n short increasing keys', () => {
    const keys = keysBetween('', null, 1000);
    expect(keys).toHaveLength(1000);
    for (let i = 1; i < keys.length; i += 1) expect((keys[i - 1] as string) < (keys[i] as string)).toBe(true);
    expect(Math.max(...keys.map((k) => k.length))).toBeLessThanOrEqual(3);
  });

  it('any sequence of insertions keeps byte order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), (positions) => {
        const keys: string[] = [];
        for (const p of positions) {
          const at = p % (keys.length + 1);
          keys.splice(at, 0, keyBetween(keys[at - 1] ?? '', keys[at] ?? null));
        }
        const sorted = [...keys].sort();
        for (const key of keys) expect(key.endsWith('0')).toBe(false);
        expect(keys).toEqual(sorted);
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });

  it('a key that is a prefix of another still sorts first as a file name (KEY-label.sql)', () => {
    const names = ['a-x.sql', 'a1-x.sql', 'a0z-x.sql'].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(names).toEqual(['a-x.sql', 'a0z-x.sql', 'a1-x.sql']);
  });
});
