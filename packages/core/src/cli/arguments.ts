// Option definitions for flags whose values yargs would accept too loosely. yargs' own
// `type: 'number'` turns `abc` into NaN (and the user's words are lost), and `choices` is
// not enforced for dashed names; these helpers check the text as typed, in a `coerce` that
// yargs runs for given values and defaults alike, and their return type is what yargs infers.
import { UsageError } from './errors.js';
import { parseDuration } from '../text/durations.js';
import { parseSize } from '../text/sizes.js';
import { parseTime } from '../text/times.js';

/** The message every bad flag value gets; parseArgv rewrites `--flag` to the spelling typed. */
export class FlagValueError extends UsageError {
  constructor(flag: string, value: unknown, expected: string) {
    super(`invalid value ${JSON.stringify(typeof value === 'string' ? value : String(value))} for --${flag}: expected ${expected}`);
  }
}

/** A repeated scalar flag keeps its last value, as rclone (pflag) does. */
function lastOf(value: unknown): unknown {
  return Array.isArray(value) ? value.at(-1) : value;
}

interface IntegerRule {
  /** Smallest accepted value. */
  min: number;
  max?: number;
  description: string;
  alias?: string;
  hidden?: boolean;
}

export interface IntegerOption {
  requiresArg: true;
  coerce: (value: unknown) => number;
  description: string;
  alias?: string;
  hidden?: boolean;
}

/** How a range reads in messages and in --help. */
export function describeRange(min: number, max?: number): string {
  if (max !== undefined) return `a whole number from ${min} to ${max}`;
  return `a whole number of at least ${min}`;
}

/** Parses `text` as a decimal whole number within [min, max], or throws a FlagValueError naming the flag. */
export function parseIntegerFlag(flag: string, value: unknown, min: number, max?: number): number {
  const text = typeof value === 'number' ? String(value) : value;
  const ok = typeof text === 'string' && /^[+-]?\d+$/.test(text.trim());
  const number = ok ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || (max !== undefined && number > max)) {
    throw new FlagValueError(flag, value, describeRange(min, max));
  }
  return number;
}

/**
 * A whole-number flag in [min, max]. Defined without a yargs type so the text reaches the
 * check unchanged (`abc`, `1e3`, `0x10` and `-1` are all seen as typed).
 */
export function integerFlag(flag: string, rule: IntegerRule & { default: number }): IntegerOption & { default: number };
export function integerFlag(flag: string, rule: IntegerRule): IntegerOption;
export function integerFlag(flag: string, rule: IntegerRule & { default?: number }): IntegerOption & { default?: number } {
  const { min, max, default: fallback, description, ...rest } = rule;
  return {
    ...rest,
    ...(fallback === undefined ? {} : { default: fallback }),
    requiresArg: true,
    description: `${description} (${describeRange(min, max)})`,
    coerce: (value: unknown) => parseIntegerFlag(flag, lastOf(value), min, max),
  };
}

/** A count (`--transfers`, `--top`, `--batch-size`...): a whole number of at least 1. */
export function countFlag(flag: string, description: string, fallback: number): IntegerOption & { default: number };
export function countFlag(flag: string, description: string): IntegerOption;
export function countFlag(flag: string, description: string, fallback?: number): IntegerOption {
  return fallback === undefined ? integerFlag(flag, { min: 1, description }) : integerFlag(flag, { min: 1, description, default: fallback });
}

export interface ChoiceOption<C extends string> {
  requiresArg: true;
  choices: readonly C[];
  coerce: (value: unknown) => C;
  description: string;
  default?: C;
  hidden?: boolean;
}

/** One of a fixed set of words; the last one wins when repeated. */
export function choiceFlag<const C extends string>(flag: string, choices: readonly C[], rule: { description: string; default: C; hidden?: boolean }): ChoiceOption<C> & { default: C };
export function choiceFlag<const C extends string>(flag: string, choices: readonly C[], rule: { description: string; hidden?: boolean }): ChoiceOption<C>;
export function choiceFlag<const C extends string>(flag: string, choices: readonly C[], rule: { description: string; default?: C; hidden?: boolean }): ChoiceOption<C> {
  const isChoice = (value: unknown): value is C => choices.some((choice) => choice === value);
  return {
    ...rule,
    requiresArg: true,
    choices,
    coerce: (value: unknown) => {
      const last = lastOf(value);
      if (!isChoice(last)) throw new FlagValueError(flag, last, `one of ${choices.join(', ')}`);
      return last;
    },
  };
}

/** A string flag given once; repeated, the last one wins (rclone's rule) instead of becoming an array. */
export function stringFlag(rule: { description: string; alias?: string; hidden?: boolean }): {
  requiresArg: true;
  description: string;
  alias?: string;
  hidden?: boolean;
  coerce: (value: unknown) => string;
} {
  return { ...rule, requiresArg: true, coerce: (value: unknown) => String(lastOf(value)) };
}

/** An old spelling kept working but out of --help; the tool warns when it is used. */
export function deprecatedFlag(replacement: string) {
  return stringFlag({ description: `deprecated: use --${replacement}`, hidden: true });
}

interface ParsedRule {
  description: string;
  alias?: string;
  hidden?: boolean;
}

/** A flag whose text `parse` turns into a value; a failure names the flag, the text and `expected`. */
function parsedFlag<T>(flag: string, expected: string, parse: (text: string) => T, rule: ParsedRule) {
  return {
    ...rule,
    requiresArg: true as const,
    description: `${rule.description} (${expected})`,
    coerce: (value: unknown): T => {
      const text = String(lastOf(value));
      try {
        return parse(text);
      } catch {
        throw new FlagValueError(flag, text, expected);
      }
    },
  };
}

/** A size in bytes: `512`, `10K`, `1.5M`, `2G` (binary units, as rclone). */
export const sizeFlag = (flag: string, rule: ParsedRule) => parsedFlag(flag, 'a size, e.g. 512, 10K, 1.5M, 2G', parseSize, rule);

/** A duration in ms: `30s`, `5m`, `12h`, `7d`. */
export const durationFlag = (flag: string, rule: ParsedRule) => parsedFlag(flag, 'a duration, e.g. 30s, 5m, 12h, 7d', parseDuration, rule);

/** A moment in ms: ISO 8601 (no zone = local time), `@EPOCH-SECONDS`, or a duration meaning that long ago. */
export const timeFlag = (flag: string, rule: ParsedRule) => parsedFlag(flag, 'a time, e.g. 2024-05-01T02:00:00Z, @1714528800, 12h', (text) => parseTime(text), rule);
