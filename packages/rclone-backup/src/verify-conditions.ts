import { parseDuration, parseSize, UsageError } from '@rclone-b2/core';

export interface VerifyConditions {
  all: boolean;
  /** Bytes (or % of all bytes); hard: never exceed it. */
  data?: { amount: number; percent: boolean; hard: boolean };
  files?: { amount: number; percent: boolean };
  /** Only files modified within this many ms (and the rclone spelling, for messages). */
  age?: { ms: number; text: string };
}

/** Parses the repeatable `--verify COND` values: all | data=[<]N[%] | files=N[%] | age=AGE. */
export function parseVerifyConditions(values: readonly string[]): VerifyConditions {
  const result: VerifyConditions = { all: false };
  const seen = new Map<string, string>();
  for (const value of values) {
    const [name, arg] = value.includes('=') ? [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)] : [value, undefined];
    // One of a kind: a second would silently replace the first.
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new UsageError(`--verify ${earlier} and --verify ${value}: give each kind of condition once`);
    seen.set(name, value);
    if (name === 'all' && arg === undefined) {
      result.all = true;
    } else if (name === 'data' && arg) {
      const m = /^(<)?\s*([^%]+?)\s*(%)?$/.exec(arg);
      if (!m) throw new UsageError(`--verify ${value}: expected data=[<]N[%]`);
      const percent = Boolean(m[3]);
      const amount = percent ? Number(m[2]) : parseSize(m[2] ?? '');
      if (!Number.isFinite(amount) || amount < 0 || (percent && amount > 100)) throw new UsageError(`--verify ${value}: bad amount`);
      result.data = { amount, percent, hard: Boolean(m[1]) };
    } else if (name === 'files' && arg) {
      const m = /^(\d+(?:\.\d+)?)\s*(%)?$/.exec(arg);
      if (!m) throw new UsageError(`--verify ${value}: expected files=N[%]`);
      if (m[2] && Number(m[1]) > 100) throw new UsageError(`--verify ${value}: bad amount`);
      result.files = { amount: Number(m[1]), percent: Boolean(m[2]) };
    } else if (name === 'age' && arg) {
      result.age = { ms: parseDuration(arg), text: arg };
    } else {
      throw new UsageError(`--verify ${value}: expected all, data=[<]N[%], files=N[%] or age=AGE`);
    }
  }
  if (result.all && (result.data || result.files || result.age)) throw new UsageError('--verify all cannot be combined with other conditions');
  return result;
}
