import { unescapeName } from '../../names/escape-name.js';

/**
 * The "long" layouts shared by `ls -l`, GNU `tar tv` and bsdtar `tar tv`:
 *   PERMS [LINKS] OWNER[/GROUP] [GROUP] SIZE DATE NAME
 * The fixed fields are found by locating the date (the field before it is the size), so
 * owners, groups and link counts may be missing or numeric. Dates: `Nov 21 20:38`,
 * `Nov 21  2024`, `2024-11-21 20:38` (tar, ls long-iso), full-iso with seconds and zone,
 * and ls' iso style (`11-21 20:38`, and `2024-11-21  ` for old files). Everything after the single space
 * that follows the date is the name, so names may contain or begin with spaces.
 */
export interface LongEntry {
  /** The type letter: `-` file, `d` directory, `l` symlink, `h` hard link, `c`/`b` device, GNU tar's `M`/`V`... */
  type: string;
  size: number;
  name: string;
  /** The second field (link count for ls and bsdtar, `user/group` for GNU tar). */
  second: string;
  /** Everything after the date, nothing cut (a symlink's ` -> target` kept). */
  raw: string;
}

const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);
const TYPES = '-dlcbpsDhCMVn?';
const PERM_CHARS = /^[-rwxsStTlL?]{9}[.+@]?$/;
const DAY = /^\d{1,2}$/;
const TIME_OR_YEAR = /^(?:\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?|\d{4,5})$/;
const ISO_DATE = /^\d{4}-\d\d-\d\d$/;
const SHORT_ISO_DATE = /^\d\d-\d\d$/;
const CLOCK = /^\d\d:\d\d(?::\d\d(?:\.\d+)?)?$/;
const ZONE = /^[+-]\d{4}$/;
const DIGITS = /^\d+$/;
const DEVICE = /^\d+,\d+$/;

interface Token {
  text: string;
  end: number;
}

function nextToken(line: string, from: number): Token | undefined {
  let start = from;
  while (start < line.length && line.charCodeAt(start) === 32) start += 1;
  if (start >= line.length) return undefined;
  let end = line.indexOf(' ', start);
  if (end < 0) end = line.length;
  return { text: line.slice(start, end), end };
}

/** Where the name starts if a date begins at `token`, else -1. */
function dateEnd(line: string, token: Token): number {
  if (MONTHS.has(token.text)) {
    const day = nextToken(line, token.end);
    if (!day || !DAY.test(day.text)) return -1;
    const time = nextToken(line, day.end);
    return time && TIME_OR_YEAR.test(time.text) ? time.end + 1 : -1;
  }
  if (ISO_DATE.test(token.text)) {
    // ls --time-style=iso prints an old file's date alone, padded to the width of
    // `MM-DD HH:MM` (`2019-03-04  10:00 x` is the file `10:00 x`); a clock follows one space.
    if (line.startsWith('  ', token.end)) return token.end + 2;
    const clock = nextToken(line, token.end);
    if (!clock || !CLOCK.test(clock.text)) return -1;
    const zone = nextToken(line, clock.end);
    return zone && ZONE.test(zone.text) ? zone.end + 1 : clock.end + 1;
  }
  if (SHORT_ISO_DATE.test(token.text)) {
    const clock = nextToken(line, token.end);
    return clock && CLOCK.test(clock.text) ? clock.end + 1 : -1;
  }
  return -1;
}

export function parseLongLine(line: string): LongEntry | undefined {
  const first = nextToken(line, 0);
  if (!first || first.end !== first.text.length || !TYPES.includes(first.text[0] ?? ' ')) return undefined;
  if (!PERM_CHARS.test(first.text.slice(1))) return undefined;
  const fields: string[] = [];
  let token = nextToken(line, first.end);
  while (token && fields.length < 8) {
    if (fields.length >= 2) {
      const nameStart = dateEnd(line, token);
      if (nameStart > 0) {
        if (nameStart >= line.length) return undefined;
        const sizeText = fields[fields.length - 1] as string;
        const device = DEVICE.test(sizeText) || (fields[fields.length - 2] ?? '').endsWith(',');
        if (!device && !DIGITS.test(sizeText)) return undefined;
        const type = first.text[0] as string;
        const raw = line.slice(nameStart);
        let name = raw;
        if (type === 'l') name = cutAt(name, ' -> ');
        else if (type === 'h') name = cutAt(name, ' link to ');
        return { type, size: device ? 0 : Number(sizeText), name, second: fields[0] as string, raw };
      }
    }
    fields.push(token.text);
    token = nextToken(line, token.end);
  }
  return undefined;
}

function cutAt(name: string, marker: string): string {
  const at = name.indexOf(marker);
  return at > 0 ? name.slice(0, at) : name;
}

/**
 * Undoes the C-style escapes GNU tar and bsdtar print for unusual bytes (`\303\274`, `\n`,
 * `\\`): core's unescapeName, byte-exact (invalid UTF-8 stays as name-bytes.ts keeps it).
 */
export function unescapeTarName(name: string): string {
  return unescapeName(name);
}
