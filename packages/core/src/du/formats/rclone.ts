import { unescapeName } from '../../names/escape-name.js';
import type { ListingSink } from '../tree.js';
import type { LineParser, ListingEnd } from './types.js';

export interface SizedPath {
  size: number;
  path: string;
}

const LS_LINE = /^ *(-?\d+) ([^]+)$/;
const LSL_LINE = /^ *(-?\d+) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? ([^]+)$/;

/**
 * One line of `rclone ls` (`%9d %s`: size right-aligned, one space, the path, which may
 * contain or begin with spaces). Unknown sizes (-1) count as 0. Undefined if malformed.
 * `ls -b` escapes in the path (as encrypted-du --ls prints names with control characters,
 * backslashes or invalid UTF-8) are undone; real rclone prints control characters as
 * control pictures (`␊`), which are ordinary characters here.
 */
export function parseRcloneLsLine(line: string): SizedPath | undefined {
  const match = LS_LINE.exec(line);
  if (!match) return undefined;
  return { size: Math.max(0, Number(match[1])), path: unescapeName(match[2] as string) };
}

/** One line of `rclone lsl`: `SIZE YYYY-MM-DD HH:MM:SS.NNNNNNNNN PATH`. */
export function parseRcloneLslLine(line: string): SizedPath | undefined {
  const match = LSL_LINE.exec(line);
  if (!match) return undefined;
  return { size: Math.max(0, Number(match[1])), path: unescapeName(match[2] as string) };
}

export class RcloneLsParser implements LineParser {
  readonly format = 'rclone-ls' as const;
  parseLine(line: string, sink: ListingSink): boolean {
    if (line === '') return true;
    const entry = parseRcloneLsLine(line);
    if (entry) sink.add(entry.path, entry.size);
    return entry !== undefined;
  }
}

export class RcloneLslParser implements LineParser {
  readonly format = 'rclone-lsl' as const;
  parseLine(line: string, sink: ListingSink): boolean {
    if (line === '') return true;
    const entry = parseRcloneLslLine(line);
    if (entry) sink.add(entry.path, entry.size);
    return entry !== undefined;
  }
}

/**
 * `rclone lsjson` as rclone prints it: `[`, one object per line (comma-terminated), `]`.
 * Each line is parsed on its own, so the array is never held in memory. A whole array on
 * one line (e.g. from `jq -c`) is accepted too. rclone always writes the closing `]`: an
 * input that opened the array and ends without it was cut (end() says so).
 */
export class LsjsonParser implements LineParser {
  readonly format = 'lsjson' as const;
  /** 0: no `[` seen (objects alone, as `jq -c '.[]'` prints them), 1: the array is open, 2: closed. */
  private array = 0;

  parseLine(line: string, sink: ListingSink): boolean {
    const text = line.trim();
    if (text.startsWith('[')) this.array = 1;
    if (text.endsWith(']') || text.endsWith('],')) this.array = 2;
    if (text === '' || text === '[' || text === ']' || text === '],' || text === '[]') return true;
    let value: unknown;
    try {
      value = JSON.parse(text.endsWith(',') ? text.slice(0, -1) : text);
    } catch {
      return false;
    }
    const items = Array.isArray(value) ? value : [value];
    return items.every((item) => addJsonItem(item, sink));
  }

  end(): ListingEnd {
    return this.array === 1 ? { problem: 'the lsjson array is not closed (no final "]"): the listing may be cut' } : {};
  }
}

function addJsonItem(item: unknown, sink: ListingSink): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const { Path, Size, IsDir } = item as { Path?: unknown; Size?: unknown; IsDir?: unknown };
  if (typeof Path !== 'string' || Path === '') return false;
  if (IsDir === true) {
    sink.addDirectory(Path);
    return true;
  }
  // A file's size is a whole number of bytes, or rclone's -1 for "unknown" (counted 0, as
  // `rclone size` does); anything else (missing, a string, a fraction, another negative, past
  // 2^53 where a double loses bytes) is not a size: the line cannot be parsed, never a silent 0.
  if (typeof Size !== 'number' || !Number.isSafeInteger(Size) || Size < -1) return false;
  sink.add(Path, Math.max(Size, 0));
  return true;
}
