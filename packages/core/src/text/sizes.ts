import { UsageError } from '../cli/errors.js';
import { quoteForMessage } from './quote-for-message.js';

const UNITS = ['', 'K', 'M', 'G', 'T', 'P', 'E'] as const;

/**
 * Parses a size as rclone and coreutils write it: `1234`, `10K`, `1.5M`, `2GiB`, `3g`,
 * `100B`. Units are binary (K = 1024), as in rclone's size options.
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtpe]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) throw new UsageError(`invalid size ${quoteForMessage(text)} (expected e.g. 512, 10K, 1.5M, 2G)`);
  const value = Number(match[1]);
  const exponent = UNITS.indexOf((match[2] ?? '').toUpperCase() as (typeof UNITS)[number]);
  return Math.round(value * 1024 ** exponent);
}

export type SizeOrPercent = { kind: 'bytes'; bytes: number } | { kind: 'percent'; percent: number };

/** `10G` → bytes; `5%` → a percentage of some total decided later. */
export function parseSizeOrPercent(text: string): SizeOrPercent {
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  if (percent) return { kind: 'percent', percent: Number(percent[1]) };
  return { kind: 'bytes', bytes: parseSize(text) };
}

export function resolveSizeOrPercent(value: SizeOrPercent, total: number): number {
  return value.kind === 'bytes' ? value.bytes : Math.floor((total * value.percent) / 100);
}

/**
 * Formats like `du -h`/`ls -h`: one decimal below 10 (rounded up, as GNU does),
 * none above; bytes with no unit.
 */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return String(bytes);
  let value = bytes;
  let exponent = 0;
  while (value >= 1024 && exponent < UNITS.length - 1) {
    value /= 1024;
    exponent += 1;
  }
  if (value < 10) {
    const rounded = Math.ceil(value * 10) / 10;
    if (rounded < 10) return `${rounded.toFixed(1)}${UNITS[exponent]}`;
    value = rounded;
  }
  let whole = Math.ceil(value);
  if (whole >= 1024 && exponent < UNITS.length - 1) {
    whole = 1;
    exponent += 1;
    return `${whole.toFixed(1)}${UNITS[exponent]}`;
  }
  return `${whole}${UNITS[exponent]}`;
}
