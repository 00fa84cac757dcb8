import { ExitCode, ToolError } from '@rclone-b2/core';
import { makeLabel } from './piece-name.js';
import type { PieceSink } from './piece-sink.js';
import { modesOf, scanQuotes, type QuoteModes, type QuoteState } from './quote-state.js';
import { Regrouper } from './regroup.js';
import { isCutPoint, rowHash } from './row-hash.js';
import { RowScanner, ScanStop } from './row-scanner.js';
import {
  detectSection,
  detectStatement,
  endsRow,
  isBlankLine,
  isDashLine,
  isDefaultDelimiter,
  isDelimiterLine,
  isDumpHeader,
  isRowLine,
  isSandboxLine,
  isTrailer,
  looksLikeDumpLine,
  type SectionKind,
} from './sections.js';

export interface SplitterOptions {
  /** Target piece size in bytes (content-defined; pieces average about this). */
  pieceSize: number;
  regroup: boolean;
  /** Walk data rows with the compiled scanner where it loads (default); false: JavaScript only. */
  compiled?: boolean;
  /**
   * Accept input without mysqldump's `-- MariaDB dump`/`-- MySQL dump` header (--skip-comments,
   * --compact). Without it such input is refused at its second line, before any piece ends.
   */
  headerless?: boolean;
}

/** Input the splitter refuses as it reads (the caller adds where nothing was changed). */
export class RefusedInput extends Error {}

export const NO_HEADER =
  "input does not start with mysqldump's '-- MariaDB dump'/'-- MySQL dump' header: either it is not a mysqldump, or one made with " +
  "--skip-comments or --compact, which also has no '-- Dump completed' trailer, so a cut one cannot be told from a complete one; " +
  "keep mysqldump's comments on (its default), or pass --allow-skip-comments to accept such a dump unchecked";

/** Held blank lines beyond this go to the current piece (a pathological input cannot grow memory). */
const MAX_HELD = 64;

/**
 * The streaming state machine: bytes in, pieces out. Sections (header, each table's
 * structure, its data, views, routines, footer) always start a new piece; inside data,
 * a piece ends after a row whose hash says so (see row-hash.ts), and only if another row
 * follows, so a table's last piece always carries its trailer. There is deliberately no
 * maximum piece size: a forced cut would depend on where the previous cut was, and one
 * inserted row would then move every forced cut after it. Sizes follow a geometric
 * distribution around the target; a piece beyond 32 MB streams through a temporary file. Bytes are passed on as
 * slices of the input chunks, merged into runs, so the per-line cost is a few compares;
 * nothing refers to a chunk after push() returns, so the reader may reuse its buffer.
 * Runs of plain row lines (the bulk of a dump) go through the compiled scanner
 * (row-scanner.ts), which makes the same decisions as line() would, much faster.
 */
export class Splitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private runBuf: Buffer | undefined;
  private runStart = 0;
  private runEnd = 0;
  /**
   * Blank lines and a `--` line not yet given to a piece: they go to the section that starts
   * next (so a piece never depends on what follows it), else to the current piece.
   */
  private held: Buffer[] = [];
  private heldDash = false;
  private kind: SectionKind | 'header' = 'header';
  private name = '';
  private db = '';
  private cutPending = false;
  /** Between `DELIMITER ;;` and `DELIMITER ;` (trigger/routine bodies): never rows. */
  private inDelimiter = false;
  /**
   * The client's quote state at the end of the last line (quote-state.ts): not 0, the next line
   * continues a string, a name or a comment, and is no line start (no section, DELIMITER, row or
   * trailer). Row lines of data are not scanned (their strings never hold a raw newline), only
   * an INSERT's head up to VALUES.
   */
  private quote: QuoteState = 0;
  private modes: QuoteModes = { noBackslashEscapes: false, ansiQuotes: false };
  /**
   * The current section's table name holds a newline (its header name went on past the line, or
   * a statement line ended inside a quote): its INSERTs do too, so the compiled scanner, which
   * does not follow quotes, is not used until the next section.
   */
  private spanning = false;
  private readonly regrouper: Regrouper | undefined;
  private readonly scanner: RowScanner | undefined;
  private readonly groupTarget: number = 0;
  private readonly groupMax: number = 0;
  lineNo = 0;
  bytesIn = 0;
  lastLine = '';
  sawDumpHeader = false;
  /**
   * The last non-empty line so far is mysqldump's trailer, `-- Dump completed`, outside a
   * DELIMITER block. Only a trailer at the very end proves the dump complete; a routine
   * body's line, or a trailer followed by more (two dumps, the second cut), does not.
   */
  endsWithTrailer = false;
  /** Something only mysqldump writes was seen (a section, a versioned comment, CREATE TABLE `…`). */
  sawDumpShape = false;
  /** Sections started after the header (the footer not counted): 0 means one piece for everything. */
  sections = 0;
  endedWithNewline = true;

  constructor(
    private readonly sink: PieceSink,
    private readonly options: SplitterOptions,
    private readonly maxLine = 1 << 30,
  ) {
    if (options.regroup) {
      const groupTarget = Math.max(1024, Math.min(options.pieceSize / 4, 256 * 1024));
      this.groupTarget = groupTarget;
      this.groupMax = Math.max(groupTarget * 4, 64 * 1024);
      this.regrouper = new Regrouper(
        {
          emit: (buf, start, end) => this.emit(buf, start, end),
          beforeGroup: () => this.maybeCut(),
          groupEnded: (hash, length) => {
            if (isCutPoint(hash, length, options.pieceSize)) this.cutPending = true;
          },
        },
        groupTarget,
        this.groupMax,
      );
    }
    if (options.compiled !== false) this.scanner = RowScanner.create();
    sink.start('header');
  }

  push(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    let pos = 0;
    if (this.carryBytes > 0) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        this.addCarry(Buffer.from(chunk));
        return;
      }
      this.carry.push(chunk.subarray(0, nl + 1));
      const line = Buffer.concat(this.carry);
      this.carry = [];
      this.carryBytes = 0;
      this.line(line, 0, line.length);
      pos = nl + 1;
    }
    const scanner = this.scanner;
    scanner?.load(chunk);
    for (;;) {
      const regrouper = this.regrouper;
      const plain = this.quote === 0 && !this.spanning;
      if (scanner && regrouper && plain && this.kind === 'd' && regrouper.openGroup && !this.inDelimiter && this.held.length === 0 && this.lineNo >= 2) {
        const at = scanner.group(pos, chunk.length, this.groupTarget, this.groupMax, regrouper.bytesInGroup);
        if (at > pos) {
          this.lineNo += scanner.lines;
          regrouper.rowsScanned(chunk, pos, at, scanner.groupBytes);
          pos = at;
        }
        if (scanner.stop === ScanStop.NoLine) break;
      } else if (scanner && !regrouper && plain && this.kind === 'd' && !this.cutPending && !this.inDelimiter && this.held.length === 0 && this.lineNo >= 2) {
        const at = scanner.scan(pos, chunk.length, this.options.pieceSize);
        if (at > pos) {
          this.lineNo += scanner.lines;
          this.emit(chunk, pos, at);
          pos = at;
        }
        if (scanner.stop === ScanStop.Cut) this.cutPending = true;
        else if (scanner.stop === ScanStop.NoLine) break;
      }
      // one line the general way: not a plain row, or the first after a cut
      const nl = chunk.indexOf(0x0a, pos);
      if (nl < 0) break;
      this.line(chunk, pos, nl + 1);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.addCarry(Buffer.from(chunk.subarray(pos)));
    this.flushRun();
    // keep no reference into chunk: the caller may reuse it
    if (this.held.length > 0) this.held = this.held.map((line) => Buffer.from(line));
    this.regrouper?.detach();
  }

  /** Ends the input; the last line may lack its newline (reported as truncation by the caller). */
  finish(): void {
    if (this.carryBytes > 0) {
      const line = Buffer.concat(this.carry);
      this.carry = [];
      this.carryBytes = 0;
      this.endedWithNewline = false;
      this.line(line, 0, line.length);
    }
    this.releaseHeld();
    this.regrouper?.flush();
    this.flushRun();
    this.sink.end();
  }

  private addCarry(part: Buffer): void {
    this.carry.push(part);
    this.carryBytes += part.length;
    if (this.carryBytes > this.maxLine) {
      throw new ToolError(`line ${this.lineNo + 1} is longer than ${this.maxLine} bytes: not a mysqldump file`, ExitCode.Usage);
    }
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.lineNo += 1;
    if (this.quote !== 0) {
      // the rest of a string, name or comment that a line before opened: no line start
      this.endsWithTrailer = false;
      this.quote = scanQuotes(buf, start, end, this.quote, this.modes);
      if (this.quote !== 0 && !this.inDelimiter) this.spanning = true;
      this.releaseHeld();
      this.cutPending = false;
      this.emit(buf, start, end);
      return;
    }
    this.noteQuotes(buf, start, end);
    if (this.lineNo <= 2) this.noteHeader(buf, start, end);
    const blank = isBlankLine(buf, start, end);
    if (!blank) {
      this.endsWithTrailer = buf[start] === 0x2d && !this.inDelimiter && isTrailer(buf, start, end);
      if (!this.sawDumpShape) this.sawDumpShape = looksLikeDumpLine(buf, start, end);
    }
    // a routine/trigger/event body: its lines are never section starts, whatever they look like
    if (this.inDelimiter) {
      this.emitLine(buf, start, end);
      return;
    }
    if (this.heldDash) {
      const section = detectSection(buf, start, end);
      if (section?.commented) {
        this.startSection(section.kind, section.name);
        if (section.partial) this.spanning = true;
        this.releaseHeld();
        this.emitLine(buf, start, end);
        return;
      }
      this.releaseHeld();
    }
    if (!this.regrouper?.midStatement) {
      if (isDashLine(buf, start, end)) {
        this.hold(buf, start, end);
        this.heldDash = true;
        return;
      }
      if (blank) {
        // what emitLine does for a line that is not a row, but the bytes wait for the next line
        this.cutPending = false;
        this.regrouper?.flush();
        if (this.held.length >= MAX_HELD) this.releaseHeld();
        this.hold(buf, start, end);
        return;
      }
    }
    const section = detectSection(buf, start, end);
    if (section) {
      if (!(section.kind === 'footer' && this.kind === 'footer')) this.startSection(section.kind, section.name);
      if (section.partial) this.spanning = true;
    } else {
      const statement = detectStatement(buf, start, end);
      if (statement) this.onStatement(statement.what, statement.name);
    }
    this.releaseHeld();
    this.emitLine(buf, start, end);
  }

  /**
   * Where this line leaves the client's quote state: every line of a routine body and every
   * statement line is scanned; of an INSERT only the head (a name may hold a newline); rows
   * `(…),` not at all (mysqldump escapes their newlines; this keeps the row path cheap).
   */
  private noteQuotes(buf: Buffer, start: number, end: number): void {
    const first = buf[start];
    if (first === 0x28 && !this.inDelimiter) return;
    const modes = modesOf(buf, start, end);
    if (modes) this.modes = modes;
    const insert = !this.inDelimiter && isRowLine(buf, start);
    this.quote = scanQuotes(buf, start, end, 0, this.modes, insert);
    if (this.quote !== 0 && !this.inDelimiter) this.spanning = true;
  }

  /** Lines 1-2: mysqldump's header (MariaDB puts a sandbox-mode comment before it). */
  private noteHeader(buf: Buffer, start: number, end: number): void {
    if (isDumpHeader(buf, start, end)) this.sawDumpHeader = true;
    else if (this.options.headerless || this.sawDumpHeader) return;
    else if (this.lineNo === 2 || !isSandboxLine(buf, start, end)) throw new RefusedInput(NO_HEADER);
  }

  private onStatement(what: 'drop' | 'lock' | 'use', name: string): void {
    if (what === 'use') this.db = name;
    else if (what === 'drop' && !((this.kind === 't' || this.kind === 'vt') && this.name === name)) this.startSection('t', name);
    else if (what === 'lock' && this.kind === 't' && this.name === name) this.startSection('d', name);
  }

  private emitLine(buf: Buffer, start: number, end: number): void {
    if (buf[start] === 0x44 && isDelimiterLine(buf, start, end)) this.inDelimiter = !isDefaultDelimiter(buf, start, end);
    if ((this.kind === 'd' || this.kind === 't') && !this.inDelimiter && (isRowLine(buf, start) || this.regrouper?.midStatement)) {
      if (this.kind === 't') this.startSection('d', this.name);
      if (this.regrouper) {
        this.regrouper.line(buf, start, end, this.lineNo);
        return;
      }
      this.maybeCut();
      this.emit(buf, start, end);
      if (endsRow(buf, start, end)) {
        const len = end - start;
        if (isCutPoint(rowHash(buf, start, end), len, this.options.pieceSize)) this.cutPending = true;
      }
      return;
    }
    this.cutPending = false;
    this.regrouper?.flush();
    this.emit(buf, start, end);
  }

  private maybeCut(): void {
    if (!this.cutPending) return;
    this.cutPending = false;
    this.newPiece(makeLabel(this.kind, this.db, this.name));
  }

  private startSection(kind: SectionKind, name: string): void {
    if (kind !== 'footer') this.sections += 1;
    this.sawDumpShape = true;
    this.regrouper?.flush();
    this.inDelimiter = false;
    this.spanning = false;
    this.cutPending = false;
    if (kind === 'db') this.db = name;
    this.kind = kind;
    this.name = kind === 'db' || kind === 'r' || kind === 'e' ? '' : name;
    const label = kind === 'footer' ? 'footer' : kind === 'db' ? makeLabel('db', name, '') : makeLabel(kind, this.db, this.name);
    this.newPiece(label);
  }

  private newPiece(label: string): void {
    this.flushRun();
    this.sink.end();
    this.sink.start(label);
  }

  private hold(buf: Buffer, start: number, end: number): void {
    this.held.push(buf.subarray(start, end));
  }

  private releaseHeld(): void {
    if (this.held.length === 0) return;
    for (const line of this.held) this.emit(line, 0, line.length);
    this.held = [];
    this.heldDash = false;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    if (buf === this.runBuf && start === this.runEnd) {
      this.runEnd = end;
      return;
    }
    this.flushRun();
    this.runBuf = buf;
    this.runStart = start;
    this.runEnd = end;
  }

  private flushRun(): void {
    if (this.runBuf && this.runEnd > this.runStart) this.sink.write(this.runBuf.subarray(this.runStart, this.runEnd));
    this.runBuf = undefined;
  }
}
