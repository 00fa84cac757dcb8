import { describe, expect, it } from 'vitest';
import { DAY_MS, expandAges, parsePolicy, PolicySpecError, windowFor, BUILTIN_POLICIES } from '../src/policy/index.js';

const days = (spec: string, maxDays = 0): string =>
  expandAges(parsePolicy('t', spec), maxDays * DAY_MS)
    .map((a) => `${a.days}${a.liveOnly ? '?' : ''}`)
    .join(',');

describe('expansion', () => {
  it.each([
    ['7,*,30', 0, '7,14,21,28,30'],
    ['1..7', 0, '1,2,3,4,5,6,7'],
    ['1..7,*,30', 0, '1,2,3,4,5,6,7,14,21,28,30'],
    ['20,*,30', 0, '20,30'],
    ['30,*,365', 0, '30,60,90,120,150,180,210,240,270,300,330,360,365'],
    ['1,*', 3.5, '1,2,3,4'],
    ['1,*', 4, '1,2,3,4'],
    ['365,?', 800, '365,730?,1095?'],
    ['7,?,30', 0, '7,14?,21?,28?,30?'],
    ['', 0, ''],
    ['last=3', 0, ''],
    ['1, 2 ,3', 0, '1,2,3'],
    ['1,2.5', 0, '1,2.5'],
    [BUILTIN_POLICIES.default!, 400, '1,2,3,4,5,6,7,14,21,28,30,60,90,120,150,180,210,240,270,300,330,360,365,730?'],
  ])('%s (oldest %d d) → %s', (spec, maxDays, expected) => {
    expect(days(spec, maxDays)).toBe(expected);
  });
});

describe('parsePolicy', () => {
  it('reads last=N anywhere', () => {
    expect(parsePolicy('t', 'last=5,1..7').last).toBe(5);
    expect(parsePolicy('t', '7,*,last=2').endsWithWildcard).toBe(true);
  });
  it.each([
    ['*,30', /must follow a number/, 1],
    ['7,*,*', /another wildcard/, 5],
    ['7,3', /must increase/, 3],
    ['7,7', /must increase/, 3],
    ['1,,2', /empty item/, 3],
    ['1,2,', /empty item/, 5],
    ['0', /at least 1 day/, 1],
    ['7..1', /goes down/, 1],
    ['x', /not a number/, 1],
    ['1, 2w', /not a number/, 4],
    ['last=1,last=2', /twice/, 8],
  ])('rejects %j', (spec, message, column) => {
    let error: unknown;
    try {
      parsePolicy('t', spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicySpecError);
    expect((error as PolicySpecError).message).toMatch(message);
    expect((error as PolicySpecError).column).toBe(column);
  });
});

describe('windowFor', () => {
  const policy = parsePolicy('t', '1..7,*,30');
  it.each([
    [0, '0-1'],
    [-5, '0-1'],
    [1, '0-1'],
    [1.0001, '1-2'],
    [7, '6-7'],
    [7.5, '7-14'],
    [14, '7-14'],
    [28.1, '28-30'],
    [30, '28-30'],
  ])('age %d d is in window %s', (age, expected) => {
    const w = windowFor(policy, Math.round(age * DAY_MS));
    expect(`${w?.lo}-${w?.hi}`).toBe(expected);
  });
  it('has no window beyond the last age', () => {
    expect(windowFor(policy, 30 * DAY_MS + 1)).toBeUndefined();
  });
  it('repeats a trailing wildcard forever', () => {
    const w = windowFor(parsePolicy('t', '365,?'), 1000 * DAY_MS);
    expect(w).toMatchObject({ lo: 730, hi: 1095, liveOnly: true });
  });
});
