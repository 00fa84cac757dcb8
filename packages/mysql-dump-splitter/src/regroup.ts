import { ToolError, ExitCode } from '@rclone-b2/core';
import { isCutPoint, rowHash } from './row-hash.js';

// --regroup: rewrites extended INSERTs into groups of rows chosen by content, so one changed
// row changes only its own group (mysqldump's groups are cut by byte count, and one longer
// row shifts every later group). Output, one row per line:
//   INSERT INTO `t` VALUES
//   (1,'a'),
//   (2,'b');
// Accepts all mysqldump styles: one statement per line (MySQL), one row per line (MariaDB
// 10.11+), one row per statement (--skip-extended-insert).

export interface RegroupTarget {
  emit(buf: Buffer): void;
  /** Called before a row starts a new group; the splitter may cut the piece there. */
  beforeGroup(): void;
  /** Called after a group ends on a content-defined boundary, with its last row's hash and length. */
  groupEnded(hash: number, length: number): void;
}

const NL = Buffer.from('\n');
const COMMA_NL = Buffer.from(',\n');
const SEMI_NL = Buffer.from(';\n');
const VALUES = Buffer.from('VALUES');

export class Regrouper {
  private prefix: Buffer | undefined;
  private inStatement = false;
  private inGroup = false;
  private groupBytes = 0;

  constructor(
    private readonly target: RegroupTarget,
    private readonly groupTarget: number,
    private readonly groupMax: number,
  ) {}

  /** Handles one INSERT/tuple line; returns false if the line is not something it can regroup. */
  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    let i = start;
    if (!this.inStatement) {
      const valuesAt = findValues(buf, start, end);
      if (valuesAt < 0) throw parseError(lineNo, 'no VALUES in INSERT');
      const prefix = buf.subarray(start, valuesAt + VALUES.length);
      if (this.inGroup && this.prefix && !this.prefix.equals(prefix)) this.flush();
      this.prefix = Buffer.from(prefix);
      this.inStatement = true;
      i = valuesAt + VALUES.length;
    }
    for (;;) {
      i = skipSpace(buf, i, end);
      if (i >= end) return;
      if (buf[i] !== 0x28) throw parseError(lineNo, `expected '(' at column ${i - start + 1}`);
      const rowEnd = scanRow(buf, i, end);
      if (rowEnd < 0) throw parseError(lineNo, 'unterminated row');
      this.row(buf, i, rowEnd);
      i = skipSpace(buf, rowEnd, end);
      const sep = buf[i];
      if (sep === 0x2c) i += 1;
      else if (sep === 0x3b) {
        this.inStatement = false;
        if (skipSpace(buf, i + 1, end) < end) throw parseError(lineNo, 'text after the end of INSERT');
        return;
      } else if (i < end) throw parseError(lineNo, `expected ',' or ';' at column ${i - start + 1}`);
    }
  }

  private row(buf: Buffer, start: number, end: number): void {
    const prefix = this.prefix as Buffer;
    if (!this.inGroup) {
      this.target.beforeGroup();
      this.target.emit(prefix);
      this.target.emit(NL);
      this.inGroup = true;
      this.groupBytes = prefix.length + 1;
    } else {
      this.target.emit(COMMA_NL);
    }
    this.target.emit(buf.subarray(start, end));
    const length = end - start;
    this.groupBytes += length + 2;
    const hash = rowHash(buf, start, end);
    if (isCutPoint(hash, length, this.groupTarget) || this.groupBytes >= this.groupMax) {
      this.target.emit(SEMI_NL);
      this.inGroup = false;
      this.target.groupEnded(hash, length);
    }
  }

  /** Ends the open group (before any non-INSERT line and at the end of a section). */
  flush(): void {
    if (this.inGroup) this.target.emit(SEMI_NL);
    this.inGroup = false;
  }

  get midStatement(): boolean {
    return this.inStatement;
  }
}

function parseError(lineNo: number, what: string): ToolError {
  return new ToolError(`line ${lineNo}: cannot regroup INSERT: ${what}`, ExitCode.Usage);
}

function skipSpace(buf: Buffer, i: number, end: number): number {
  let j = i;
  while (j < end) {
    const c = buf[j];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    j += 1;
  }
  return j;
}

/** Position after `VALUES` outside backquotes, or -1. */
function findValues(buf: Buffer, start: number, end: number): number {
  let inQuote = false;
  for (let i = start; i < end; i += 1) {
    const c = buf[i];
    if (c === 0x60) inQuote = !inQuote;
    else if (!inQuote && c === 0x56 && buf.subarray(i, i + VALUES.length).equals(VALUES)) return i;
  }
  return -1;
}

/** From the '(' at start, the position after its matching ')', honouring quoted strings. */
export function scanRow(buf: Buffer, start: number, end: number): number {
  let depth = 0;
  let i = start;
  while (i < end) {
    const c = buf[i];
    if (c === 0x27 || c === 0x22) {
      i += 1;
      for (;;) {
        if (i >= end) return -1;
        const d = buf[i];
        if (d === 0x5c) i += 2;
        else if (d === c) {
          if (buf[i + 1] === c) i += 2;
          else break;
        } else i += 1;
      }
    } else if (c === 0x28) depth += 1;
    else if (c === 0x29) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  return -1;
}
