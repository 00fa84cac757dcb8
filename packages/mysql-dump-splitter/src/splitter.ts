import { ExitCode, ToolError } from '@rclone-b2/core';
import { makeLabel } from './piece-name.js';
import type { PieceSink } from './piece-sink.js';
import { Regrouper } from './regroup.js';
import { isCutPoint, rowHash } from './row-hash.js';
import { RowScanner, ScanStop } from './row-scanner.js';
import { detectSection, detectStatement, endsRow, isDashLine, isDefaultDelimiter, isDelimiterLine, isRowLine, type SectionKind } from './sections.js';

export interface SplitterOptions {
  /** Target piece size in bytes (content-defined; pieces average about this). */
  pieceSize: number;
  regroup: boolean;
  /** Walk data rows with the compiled scanner where it loads (default); false: JavaScript only. */
  compiled?: boolean;
}

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
  private heldDash: Buffer | undefined;
  private kind: SectionKind | 'header' = 'header';
  private name = '';
  private db = '';
  private cutPending = false;
  /** Between `DELIMITER ;;` and `DELIMITER ;` (trigger/routine bodies): never rows. */
  private inDelimiter = false;
  private readonly regrouper: Regrouper | undefined;
  private readonly scanner: RowScanner | undefined;
  private readonly groupTarget: number = 0;
  private readonly groupMax: number = 0;
  lineNo = 0;
  bytesIn = 0;
  lastLine = '';
  sawDumpHeader = false;
  sawCompleted = false;
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
      if (scanner && regrouper && this.kind === 'd' && regrouper.openGroup && !this.inDelimiter && !this.heldDash && this.lineNo >= 2) {
        const at = scanner.group(pos, chunk.length, this.groupTarget, this.groupMax, regrouper.bytesInGroup);
        if (at > pos) {
          this.lineNo += scanner.lines;
          regrouper.rowsScanned(chunk, pos, at, scanner.groupBytes);
          pos = at;
        }
        if (scanner.stop === ScanStop.NoLine) break;
      } else if (scanner && !regrouper && this.kind === 'd' && !this.cutPending && !this.inDelimiter && !this.heldDash && this.lineNo >= 2) {
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
    if (this.heldDash) this.heldDash = Buffer.from(this.heldDash);
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
    this.releaseDash();
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
    if (this.lineNo <= 2 || buf[start] === 0x2d) this.noteComment(buf, start, end);
    if (this.heldDash) {
      const section = detectSection(buf, start, end);
      if (section?.commented) {
        this.startSection(section.kind, section.name);
        this.releaseDash();
        this.emitLine(buf, start, end);
        return;
      }
      this.releaseDash();
    }
    if (isDashLine(buf, start, end)) {
      this.heldDash = buf.subarray(start, end);
      return;
    }
    const section = detectSection(buf, start, end);
    if (section) {
      if (!(section.kind === 'footer' && this.kind === 'footer')) this.startSection(section.kind, section.name);
    } else {
      const statement = detectStatement(buf, start, end);
      if (statement) this.onStatement(statement.what, statement.name);
    }
    this.emitLine(buf, start, end);
  }

  private noteComment(buf: Buffer, start: number, end: number): void {
    const text = buf.toString('latin1', start, Math.min(end, start + 40));
    if (/^-- (MySQL|MariaDB) dump/.test(text)) this.sawDumpHeader = true;
    if (text.startsWith('-- Dump completed')) this.sawCompleted = true;
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
    this.regrouper?.flush();
    this.inDelimiter = false;
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

  private releaseDash(): void {
    const dash = this.heldDash;
    if (dash) {
      this.heldDash = undefined;
      this.emit(dash, 0, dash.length);
    }
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
