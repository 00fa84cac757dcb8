import { UsageError } from './errors.js';

/** A count flag (`--transfers`, `--top`, ...): a whole number of at least 1, or a UsageError. */
export function positiveInteger(flag: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`--${flag} needs a whole number of at least 1, got ${String(value)}`);
  }
  return value;
}
