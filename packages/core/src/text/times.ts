import { UsageError } from '../cli/errors.js';
import { quoteForMessage } from './quote-for-message.js';
import { parseDuration } from './durations.js';

/**
 * Parses a moment given on the command line: ISO 8601 (`2024-05-01`, `2024-05-01T12:00`,
 * `2024-05-01 12:00:00Z`), `@EPOCH` seconds, or a duration meaning "that long ago" (`3d`).
 * Dates without a zone are local time, as `date -d` reads them.
 */
export function parseTime(text: string, now: number = Date.now()): number {
  const trimmed = text.trim();
  const epoch = /^@(\d+(?:\.\d+)?)$/.exec(trimmed);
  if (epoch) return Math.round(Number(epoch[1]) * 1000);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const iso = trimmed.replace(' ', 'T');
    const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00` : iso);
    if (!Number.isNaN(parsed)) return parsed;
  } else {
    try {
      return now - parseDuration(trimmed);
    } catch {
      // fall through to the error below
    }
  }
  throw new UsageError(`invalid time ${quoteForMessage(text)} (expected e.g. 2024-05-01T12:00:00Z, @1714564800 or 3d)`);
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** rclone's version suffix for a moment (UTC): `-v2024-05-01-120000-000`. */
export function versionSuffix(ms: number): string {
  const d = new Date(ms);
  return (
    `-v${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${pad(d.getUTCMilliseconds(), 3)}`
  );
}
