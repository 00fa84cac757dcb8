// rclone's version suffix (lib/version): `-vYYYY-MM-DD-HHMMSS-mmm` just before the extension.
// Crypt strips it from the last path segment before encrypting/decrypting and re-inserts it.
import { versionSuffix } from '../text/times.js';

const SUFFIX_LEN = 23; // "-v2006-01-02-150405-000"
const SUFFIX_RE = /^-v(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})$/;

/** path.Ext-style split; a name like `.file` is all base. */
export function splitExt(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { base: name, ext: '' };
  return { base: name.slice(0, dot), ext: name.slice(dot) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Like rclone's version.Remove: when `name` carries a valid version suffix before its
 * extension, returns the name without it and the suffix; otherwise undefined.
 */
export function removeVersionSuffix(name: string): { name: string; suffix: string } | undefined {
  if (name.length < SUFFIX_LEN || !name.includes('-v')) return undefined;
  const { base, ext } = splitExt(name);
  if (base.length < SUFFIX_LEN) return undefined;
  const suffix = base.slice(base.length - SUFFIX_LEN);
  const m = SUFFIX_RE.exec(suffix);
  if (!m) return undefined;
  const [year, month, day, hour, min, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59) {
    return undefined;
  }
  return { name: base.slice(0, base.length - SUFFIX_LEN) + ext, suffix };
}

/** Like rclone's version.Add: inserts `suffix` before the extension of `name`. */
export function addVersionSuffix(name: string, suffix: string): string {
  const { base, ext } = splitExt(name);
  return base + suffix + ext;
}

/**
 * The name rclone gives an old version (`--b2-versions`): rclone's suffix for the upload
 * time (UTC) before the extension of the last path segment, `dir/a-v2024-05-01-120000-000.txt`.
 */
export function versionedPath(path: string, uploadTimestamp: number): string {
  const slash = path.lastIndexOf('/');
  return path.slice(0, slash + 1) + addVersionSuffix(path.slice(slash + 1), versionSuffix(uploadTimestamp));
}
