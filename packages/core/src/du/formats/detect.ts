import { hasNameEscapes } from '../../names/name-bytes.js';
import { DuParser } from './du.js';
import { LsParser, TarParser } from './ls.js';
import { parseLongLine } from './long-listing.js';
import { parseLsLine } from './ls-names.js';
import { LsjsonParser, RcloneLslParser, RcloneLsParser } from './rclone.js';
import type { LineParser, ListingFormat } from './types.js';

/**
 * Guesses the format from the first meaningful (non-blank) line; undefined if unknown.
 * `ls` and bsdtar share a layout: bsdtar is recognised by its link count of 0 or a name
 * ending in `/`, GNU tar by its `user/group` field. An lsjson object line opens with `{"`
 * (or is a lone `{`): binary input that happens to start with `{` is not taken for JSON.
 */
export function detectListingFormat(line: string): ListingFormat | undefined {
  if (/^\s*\[\s*$/.test(line) || /^\s*\[?\s*\{\s*(?:"|$)/.test(line)) return 'lsjson';
  if (/^\d+\t./.test(line)) return 'du';
  // `ls -li` / `ls -ls` without a `DIR:` header: an inode or block count, then a whole ls line (not `rclone ls`).
  if (/^ *\d+ +(?:\d+ +)?[-dlcbpsDCMn?][-rwxsStTlL?]{9}[.+@]? /.test(line) && parseLsLine(line) !== undefined) return 'ls';
  // rclone ls and lsl print the size as %9d: right-aligned in 9 columns. `rclone lsf -R` names
  // such as `01 Intro.mp3` have no such column, and must not be read as 1 byte in `Intro.mp3`.
  const sized = /^( *-?\d+) ./.exec(line);
  if (sized && (sized[1] as string).length >= 9) {
    if (/^ *-?\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? ./.test(line)) return 'rclone-lsl';
    return 'rclone-ls';
  }
  if (/^total \d/.test(line)) return 'ls';
  const long = parseLongLine(line);
  if (!long && parseLsLine(line) === 'human') return 'ls'; // ls -lh: said as such, line by line
  if (long) {
    if (long.second.includes('/') || long.second === '0' || long.name.endsWith('/')) return 'tar';
    return 'ls';
  }
  // A `DIR:` header; not binary junk that happens to end in `:` (control bytes, bytes that are not UTF-8).
  // eslint-disable-next-line no-control-regex
  if (line.length > 1 && line.endsWith(':') && !/[\u0000-\u001f\ufffd]/.test(line) && !hasNameEscapes(line)) return 'ls';
  return undefined;
}

export function createLineParser(format: ListingFormat): LineParser {
  switch (format) {
    case 'ls':
      return new LsParser();
    case 'tar':
      return new TarParser();
    case 'rclone-ls':
      return new RcloneLsParser();
    case 'rclone-lsl':
      return new RcloneLslParser();
    case 'lsjson':
      return new LsjsonParser();
    case 'du':
      return new DuParser();
  }
}
