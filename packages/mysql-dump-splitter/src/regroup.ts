import { ToolError, ExitCode } from '@rclone-b2/core';
import { isCutPoint, rowHash } from './row-hash.js';
import { findValues, scanRow, skipSpace } from './sql-scan.js';

// --regroup: rewrites extended INSERTs into groups of rows chosen by content, so one changed
// row changes only its own group (mysqldump's groups are cut by byte count, and one longer
// row shifts every later group). Output, one row per line:
//   INSERT INTO `t` VALUES
//   (1,'a'),
//   (2,'b');
// Accepts all mysqldump styles: one statement per line (MySQL), one row per line (MariaDB
// 10.11+), one row per statement (--skip-extended-insert).

export interface RegroupTarget {
  emit(buf: Buffer, start: number, end: number): void;
  /** Called before a row starts a new group; the splitter may cut the piece there. */
  beforeGroup(): void;
  /** Called after a group ends on a content-defined boundary, with its last row's hash and length. */
  groupEnded(hash: number, length: number): void;
}

const NL = Buffer.from('\n');
const COMMA_NL = Buffer.from(',\n');
const SEMI_NL = Buffer.from(';\n');
const VALUES_LENGTH = 'VALUES'.length;

/**
 * The separator after the last row is written only when the next row (or the end of the
 * rows) shows which one is needed. When the input has the same bytes right there (MariaDB's
 * one-row-per-line style), those input bytes are emitted, so the output stays one contiguous
 * run of the input chunk and costs no copy per row.
 */
interface PendingSeparator {
  buf: Buffer;
  start: number;
  end: number;
  /** 0x2c (,) or 0x3b (;) — what the input has there (0 = nothing usable). */
  kind: number;
}

export class Regrouper {
  private prefix: Buffer | undefined;
  private inStatement = false;
  private inGroup = false;
  private groupBytes = 0;
  private pending: PendingSeparator = { buf: NL, start: 0, end: 0, kind: 0 };
  /** After the pending row: 0x2c if the group goes on, 0x3b if it ended. */
  private need = 0;

  constructor(
    private readonly target: RegroupTarget,
    private readonly groupTarget: number,
    private readonly groupMax: number,
  ) {}

  /** Handles one INSERT/tuple line (throws a ToolError if it cannot be parsed). */
  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    let i = start;
    if (!this.inStatement) {
      const valuesAt = findValues(buf, start, end);
      if (valuesAt < 0) throw parseError(lineNo, 'no VALUES in INSERT');
      const prefix = buf.subarray(start, valuesAt + VALUES_LENGTH);
      if (!this.prefix || !this.prefix.equals(prefix)) {
        this.flush();
        this.prefix = Buffer.from(prefix);
      }
      this.inStatement = true;
      i = valuesAt + VALUES_LENGTH;
    } else if (buf[start] === 0x28) {
      // fast path, one row per line: "(...),\n" or "(...);\n"
      const e = end - 1;
      if (buf[e] === 0x0a && buf[e - 1] !== 0x0d) {
        const sep = buf[e - 1];
        if ((sep === 0x2c || sep === 0x3b) && buf[e - 2] === 0x29) {
          this.row(buf, start, e - 1, e - 1, end, sep);
          if (sep === 0x3b) this.inStatement = false;
          return;
        }
      }
    }
    for (;;) {
      i = skipSpace(buf, i, end);
      if (i >= end) return;
      if (buf[i] !== 0x28) throw parseError(lineNo, `expected '(' at column ${i - start + 1}`);
      const rowEnd = scanRow(buf, i, end);
      if (rowEnd < 0) throw parseError(lineNo, 'unterminated row');
      const sepAt = skipSpace(buf, rowEnd, end);
      const sep = buf[sepAt];
      if (sep === 0x2c) {
        this.row(buf, i, rowEnd, sepAt, sepAt + 1, 0);
        i = sepAt + 1;
      } else if (sep === 0x3b) {
        this.row(buf, i, rowEnd, sepAt, sepAt + 1, 0);
        this.inStatement = false;
        if (skipSpace(buf, sepAt + 1, end) < end) throw parseError(lineNo, 'text after the end of INSERT');
        return;
      } else if (sepAt < end) throw parseError(lineNo, `expected ',' or ';' at column ${sepAt - start + 1}`);
      else {
        this.row(buf, i, rowEnd, sepAt, sepAt, 0);
        return;
      }
    }
  }

  private row(buf: Buffer, start: number, end: number, sepStart: number, sepEnd: number, sepKind: number): void {
    if (!this.inGroup) {
      this.resolve();
      this.target.beforeGroup();
      const prefix = this.prefix as Buffer;
      this.target.emit(prefix, 0, prefix.length);
      this.target.emit(NL, 0, 1);
      this.inGroup = true;
      this.groupBytes = prefix.length + 1;
    } else {
      this.resolve();
    }
    this.target.emit(buf, start, end);
    const length = end - start;
    this.groupBytes += length + 2;
    const pending = this.pending;
    pending.buf = buf;
    pending.start = sepStart;
    pending.end = sepEnd;
    pending.kind = sepKind;
    this.need = 0x2c;
    const hash = rowHash(buf, start, end);
    if (isCutPoint(hash, length, this.groupTarget) || this.groupBytes >= this.groupMax) {
      this.need = 0x3b;
      this.resolve();
      this.inGroup = false;
      this.target.groupEnded(hash, length);
    }
  }

  /** Writes the separator owed after the last row. */
  private resolve(): void {
    if (this.need === 0) return;
    const p = this.pending;
    if (p.kind === this.need) this.target.emit(p.buf, p.start, p.end);
    else if (this.need === 0x2c) this.target.emit(COMMA_NL, 0, 2);
    else this.target.emit(SEMI_NL, 0, 2);
    this.need = 0;
  }

  /** Ends the open group (before any non-INSERT line and at the end of a section). */
  flush(): void {
    if (this.inGroup) {
      this.need = 0x3b;
      this.resolve();
    }
    this.inGroup = false;
  }

  /** Drops references into the caller's chunk (the separator is written from a constant instead). */
  detach(): void {
    this.pending.buf = NL;
    this.pending.kind = 0;
  }

  get midStatement(): boolean {
    return this.inStatement;
  }

  /** Inside a statement and an open group, a ',' owed after the last row: rows may come through rowsScanned(). */
  get openGroup(): boolean {
    return this.inStatement && this.inGroup && this.need === 0x2c;
  }

  get bytesInGroup(): number {
    return this.groupBytes;
  }

  /**
   * Row lines `(...),` of buf[start, end) that the compiled scanner found not to end the group
   * (row-scanner.ts): what row() would emit for each, at once; the last row's `,\n` is owed.
   */
  rowsScanned(buf: Buffer, start: number, end: number, groupBytes: number): void {
    this.resolve();
    this.target.emit(buf, start, end - 2);
    const pending = this.pending;
    pending.buf = buf;
    pending.start = end - 2;
    pending.end = end;
    pending.kind = 0x2c;
    this.need = 0x2c;
    this.groupBytes = groupBytes;
  }
}

function parseError(lineNo: number, what: string): ToolError {
  return new ToolError(`line ${lineNo}: cannot regroup INSERT: ${what}`, ExitCode.Usage);
}
