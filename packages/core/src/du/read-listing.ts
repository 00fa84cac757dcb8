import type { Readable } from 'node:stream';
import { lineText } from './bytes.js';
import { createLineParser, detectListingFormat } from './formats/detect.js';
import type { LineParser, ListingFormat } from './formats/types.js';
import { parseLsjsonBytes } from './lsjson-bytes.js';
import type { ByteLineParser } from './long-line-bytes.js';
import { LsLrBytes } from './ls-lr-bytes.js';
import { RcloneLsBytes } from './rclone-ls-bytes.js';
import { TarTvBytes } from './tar-tv-bytes.js';
import { quoteForMessage } from '../text/quote-for-message.js';
import type { DuTree } from './tree.js';

export interface ReadListingOptions {
  /** Force a format; by default it is detected from the first non-blank line. */
  format?: ListingFormat | undefined;
  /** Records end with NUL instead of newline (`-0`). */
  nul?: boolean | undefined;
  /** The input's name in warnings (`FILE:LINE: ...`). */
  name?: string | undefined;
  /** Called once per line that cannot be parsed (the line is skipped). */
  onWarning?: ((message: string) => void) | undefined;
  /** Longer lines are skipped with a warning, without being held in memory. Default 64 MiB. */
  maxLineLength?: number | undefined;
  /** false: never the compiled `rclone ls` scanner (rclone-ls-scanner.ts), JavaScript only. */
  compiled?: boolean | undefined;
}

export interface ReadListingResult {
  /** The format used; undefined when it could not be detected (nothing was added). */
  format: ListingFormat | undefined;
  lines: number;
  skipped: number;
  /** When the format was unknown: the first meaningful line (shortened) for the message. */
  firstLine?: string;
  /**
   * What is wrong with the input as a whole, though its lines were read (each is a reason
   * for exit status 1): it ends in the middle of a line, an lsjson array is not closed, or
   * with `nul` it holds newlines and no NUL (it was not made NUL-separated).
   */
  problems: string[];
  /** For -v: things read as something other than an entry (du -c's total line). */
  notes: string[];
  /** Lines ended in CR LF (decided from the first two lines): the CRs were dropped. */
  crlf: boolean;
}

/**
 * Reads a listing into a DuTree. Keeps nothing of a chunk once the next is asked for (an
 * input may reuse its buffer). Works on the raw Buffer chunks (no per-line promise):
 * lines are cut with indexOf; `rclone ls`, `rclone lsl`, `ls -lR` and `tar tv` lines take
 * a byte-level fast path, and so do `rclone lsjson` lines of rclone's own shape; other
 * lines are decoded one by one with lineText (nameFromBytes), so names keep their exact bytes even
 * where they are not UTF-8 (U+FFFD would merge `a\xffb` and `a\xfeb`). Reading stops
 * early when the format cannot be detected.
 *
 * Line ends: with `nul`, NUL alone. Otherwise a newline, and a CR before it only when the
 * input's lines end in CR LF (a listing saved on Windows): decided by the first two lines,
 * since a CR is a valid last byte of a name (`du -ab` may print one first).
 */
export async function readListing(input: Readable | AsyncIterable<Buffer>, tree: DuTree, options: ReadListingOptions = {}): Promise<ReadListingResult> {
  const separator = options.nul ? 0 : 10;
  const maxLength = options.maxLineLength ?? 64 * 1024 * 1024;
  const name = options.name ?? '(stdin)';
  const result: ReadListingResult = { format: options.format, lines: 0, skipped: 0, problems: [], notes: [], crlf: false };
  let parser: LineParser | undefined = options.format ? createLineParser(options.format) : undefined;
  const compiled = options.compiled !== false;
  let fast = byteParser(options.format, tree, compiled);
  let unknown = false;

  const warn = (message: string): void => {
    result.skipped += 1;
    options.onWarning?.(`${name}:${result.lines}: ${message}`);
  };
  const cannotParse = (line: string): void => warn(`cannot parse ${parser ? `${parser.format} ` : ''}line: ${preview(line)}`);
  const tooLongMessage = `line longer than ${maxLength} bytes skipped`;
  // undefined until decided: the first line, if it ends in CR, is held until the second is seen.
  let crlf: boolean | undefined = options.nul ? false : undefined;
  let held: Buffer | undefined;
  const decide = (value: boolean): void => {
    crlf = value;
    result.crlf = value;
    if (fast) fast.crlf = value;
    if (held !== undefined) {
      const line = held;
      held = undefined;
      handleLine(line, 0, line.length);
    }
  };
  const handle = (buf: Buffer, start: number, stop: number): void => {
    if (crlf === undefined) {
      const cr = stop > start && buf[stop - 1] === 13;
      if (held === undefined && cr) {
        held = Buffer.from(buf.subarray(start, stop));
        return;
      }
      decide(held !== undefined && cr);
    }
    handleLine(buf, start, stop);
  };
  const handleLine = (buf: Buffer, first: number, stop: number): void => {
    result.lines += 1;
    let start = first;
    // A UTF-8 byte-order mark before the first line (files saved on Windows).
    if (result.lines === 1 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    let end = stop;
    if (crlf === true && end > start && buf[end - 1] === 13) end -= 1;
    if (fast) {
      if (!fast.parse(buf, start, end)) cannotParse(buf.toString('utf8', start, Math.min(end, start + 200)));
      return;
    }
    if (parser?.format === 'lsjson' && parseLsjsonBytes(buf, start, end, tree) !== undefined) return;
    const line = lineText(buf, start, end);
    if (!parser) {
      if (line.trim() === '') return;
      const format = detectListingFormat(line);
      if (!format) {
        unknown = true;
        result.firstLine = preview(line);
        return;
      }
      result.format = format;
      parser = createLineParser(format);
      fast = byteParser(format, tree, compiled);
      if (fast) fast.crlf = crlf === true;
      // The byte parser takes the first line too (ls -lR keeps its `DIR:` header as state).
      if (fast) {
        if (!fast.parse(buf, start, end)) cannotParse(line);
        return;
      }
    }
    if (!parser.parseLine(line, tree)) cannotParse(line);
  };

  let pending: Buffer[] = [];
  let pendingLength = 0;
  let tooLong = false;
  // With `nul`: whether a newline came before any NUL (input made without -0, see the end).
  let newline = false;
  for await (const data of input as AsyncIterable<Buffer | string>) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (options.nul && result.lines === 0 && !newline) newline = chunk.includes(10);
    let start = 0;
    while (!unknown) {
      if (fast && crlf !== undefined && pendingLength === 0 && !tooLong && separator === 10 && result.lines > 0) {
        // The rclone ls hot path: the rest of the chunk at once, no call per line from here
        // (also after a line that straddled two chunks was completed below).
        const base = result.lines;
        const parser = fast;
        const from = start;
        const [rest, count] = parser.parseLines(chunk, from, (lineStart, lineEnd, index) => {
          result.lines = base + index + 1;
          cannotParse(chunk.toString('utf8', lineStart, Math.min(lineEnd, lineStart + 200)));
        });
        result.lines = base + count;
        start = rest;
      }
      const at = chunk.indexOf(separator, start);
      if (at < 0) break;
      if (tooLong) {
        result.lines += 1;
        warn(tooLongMessage);
        tooLong = false;
      } else if (pendingLength > 0) {
        pending.push(chunk.subarray(start, at));
        const line = Buffer.concat(pending);
        handle(line, 0, line.length);
      } else handle(chunk, start, at);
      pending = [];
      pendingLength = 0;
      start = at + 1;
    }
    if (unknown) break;
    tree.checkpoint();
    if (start < chunk.length && !tooLong) {
      // A copy: the reader may reuse the chunk's memory for the next one (readFileChunks).
      pending.push(Buffer.from(chunk.subarray(start)));
      pendingLength += chunk.length - start;
      if (pendingLength > maxLength) {
        tooLong = true;
        pending = [];
        pendingLength = 0;
      }
    }
  }
  if (!unknown) {
    if (options.nul && result.lines === 0 && newline) {
      // The whole input one record: it holds no NUL, only newlines (`du -ab`, not `du -ab0`).
      result.problems.push('-0 was given, but the input holds newlines and no NUL: it is not NUL-separated (make it with du -ab0, or leave out -0); nothing read');
      return result;
    }
    if (tooLong) {
      result.lines += 1;
      warn(tooLongMessage);
    } else if (pendingLength > 0) {
      // Every real lister ends its last line: one without an end may have been cut short.
      result.problems.push(options.nul ? 'the input ends without a NUL: its last record may be cut' : 'the input ends without a newline: its last line may be cut');
      const line = Buffer.concat(pending);
      handle(line, 0, line.length);
    }
    if (held !== undefined) decide(true); // one line in all, ending in CR LF
    for (const end of unknown ? [] : [parser?.end?.(tree), fast?.end?.()]) {
      if (end?.problem !== undefined) result.problems.push(end.problem);
      if (end?.note !== undefined) result.notes.push(end.note);
    }
  }
  if (unknown) result.format = undefined;
  return result;
}

/** The byte-level parser of `rclone ls`, `rclone lsl`, `ls -l(R)` and `tar tv` lines. */
function byteParser(format: ListingFormat | undefined, tree: DuTree, compiled: boolean): ByteLineParser | undefined {
  if (format === 'rclone-ls') return new RcloneLsBytes(tree, false, compiled);
  if (format === 'rclone-lsl') return new RcloneLsBytes(tree, true);
  if (format === 'ls') return new LsLrBytes(tree);
  if (format === 'tar') return new TarTvBytes(tree);
  return undefined;
}

/** A bad line in a warning: escaped (no terminal control sequences) and short. */
function preview(line: string): string {
  return quoteForMessage(line, 80);
}
