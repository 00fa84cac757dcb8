// rclone's old-version names (`dir/a-v2024-05-01-120000-123.txt`) written as bytes, for
// listings of millions of versions: versionedPath makes a Date and seven strings per version,
// this writes the 23 suffix bytes from the timestamp with integer arithmetic (days to civil
// date as in H. Hinnant's chrono algorithms). Years outside 1000-9999 are left to
// versionedPath (false), whose text for them this does not reproduce.

const DAY = 86_400_000;
/** `-vYYYY-MM-DD-HHMMSS-mmm`: what an old version adds to its name. */
export const VERSION_SUFFIX_LENGTH = 23;
const SUFFIX_LENGTH = VERSION_SUFFIX_LENGTH;
const SLASH = 0x2f;
const DOT = 0x2e;

function digits(out: Uint8Array, at: number, value: number, width: number): void {
  for (let i = width - 1; i >= 0; i -= 1) {
    out[at + i] = 0x30 + (value % 10);
    value = Math.floor(value / 10);
  }
}

/** `00`..`99` as bytes: a time's six two-digit fields without a division each. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i += 1) {
  PAIRS[2 * i] = 0x30 + Math.floor(i / 10);
  PAIRS[2 * i + 1] = 0x30 + (i % 10);
}

function pair(out: Uint8Array, at: number, value: number): void {
  out[at] = PAIRS[2 * value]!;
  out[at + 1] = PAIRS[2 * value + 1]!;
}

/**
 * `YYYY-MM-DD` of recently written days, direct-mapped by day number: a bucket's versions
 * come from a few hundred days (nightly runs within a retention window), and each file's
 * versions from several, so the date is computed once per day, not once per version.
 */
const DATE_SLOTS = 1024;
const cachedDay = new Float64Array(DATE_SLOTS).fill(NaN);
const cachedDate = new Uint8Array(DATE_SLOTS * 10);

/** The offset of day `days`' `YYYY-MM-DD` in `cachedDate` (computed if new); -1 outside years 1000-9999. */
function dateAt(days: number): number {
  const slot = days & (DATE_SLOTS - 1);
  const at = slot * 10;
  if (cachedDay[slot] === days) return at;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1000 || year > 9999) return -1;
  digits(cachedDate, at, year, 4);
  cachedDate[at + 4] = 0x2d;
  digits(cachedDate, at + 5, month, 2);
  cachedDate[at + 7] = 0x2d;
  digits(cachedDate, at + 8, day, 2);
  cachedDay[slot] = days;
  return at;
}

/** Writes `-vYYYY-MM-DD-HHMMSS-mmm` (UTC) at `out[at]`; false (nothing written) outside years 1000-9999 or for a fractional time. */
export function writeVersionSuffix(out: Uint8Array, at: number, ms: number): boolean {
  // A fractional time (never from B2) goes to versionedPath, whose text for it this does not reproduce.
  if (!Number.isInteger(ms)) return false;
  const days = Math.floor(ms / DAY);
  const date = dateAt(days);
  if (date < 0) return false;
  let rest = ms - days * DAY;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  out[at] = 0x2d; // -v
  out[at + 1] = 0x76;
  for (let i = 0; i < 10; i += 1) out[at + 2 + i] = cachedDate[date + i] as number;
  out[at + 12] = 0x2d;
  pair(out, at + 13, hour);
  pair(out, at + 15, minute);
  pair(out, at + 17, second);
  out[at + 19] = 0x2d;
  out[at + 20] = 0x30 + Math.floor(milli / 100);
  pair(out, at + 21, milli % 100);
  return true;
}

/**
 * The part of an old version's name that does not depend on its time: copies `src[start,
 * end)` to `out` (which must hold end - start + 23 bytes) with a 23-byte gap where the
 * suffix goes — before the last segment's extension; a segment's leading dot is not one
 * (`.bashrc-v…`), as in versionedPath — and returns the gap's offset. Every version of one
 * file then needs only writeVersionSuffix(out, gap, ms): the name is end - start + 23 bytes.
 */
export function frameVersionedPath(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let leaf = end;
  while (leaf > start && src[leaf - 1] !== SLASH) leaf -= 1;
  let dot = end - 1;
  while (dot > leaf && src[dot] !== DOT) dot -= 1;
  const split = dot > leaf ? dot : end;
  const head = split - start;
  // byte loops: names are short, and subarray() would make two Buffer objects per name
  for (let i = start; i < split; i += 1) out[i - start] = src[i]!;
  for (let i = split, o = head + SUFFIX_LENGTH; i < end; i += 1, o += 1) out[o] = src[i]!;
  return head;
}

/**
 * versionedPath for a path given as bytes `src[start, end)`: writes the old version's name
 * to `out` (which must hold end - start + 23 bytes) and returns its length, or -1 where
 * writeVersionSuffix declines (`out` then holds the name without its suffix).
 */
export function writeVersionedPath(src: Uint8Array, start: number, end: number, ms: number, out: Uint8Array): number {
  const head = frameVersionedPath(src, start, end, out);
  return writeVersionSuffix(out, head, ms) ? end - start + SUFFIX_LENGTH : -1;
}
