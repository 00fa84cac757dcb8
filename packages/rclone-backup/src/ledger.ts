import { access, mkdir, open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { ByteLines, ledgerLine, parseLedgerLine, writeFileAtomically, type LedgerEntry } from '@rclone-b2/core';
import type { ListedFile } from './listing.js';
import { FileTable } from './verify-file-table.js';
import { FALLBACK, ledgerBytesRoom, parseLedgerBytes, writeLedgerPathBytes, type LedgerBytes } from './verify-ledger-bytes.js';

export { ledgerLine, parseLedgerLine, verifiedSince, type LedgerEntry } from '@rclone-b2/core';

export interface Coverage {
  windowMs: number;
  filesPercent: number;
  bytesPercent: number;
}

/**
 * The verification ledger joined with the backup's file list. The list is held in columns
 * (FileTable: byte arenas and typed arrays, a 32-byte row per file plus its name, each directory's path once) in listing
 * order; the old ledger is then streamed through it once, keeping an entry only for a file
 * still in the backup. Files found equal in this run are noted as their path bytes (they may
 * come before the listing, in `--verify all`) and matched when the ledger is written.
 * The new ledger keeps only files still in the backup; it is written atomically
 * (temp file + fsync + rename), so a crash leaves the previous ledger intact.
 */
export class LedgerJoin {
  private readonly files = new FileTable();
  private loaded = false;
  /** Paths verified in this run, UTF-8, each followed by a NUL (no path holds one). */
  private verified = Buffer.allocUnsafe(1 << 16);
  private verifiedUsed = 0;

  private constructor(private readonly file: string | undefined) {}

  /** Fails at once (before any listing) when the ledger exists but cannot be read. */
  static async open(file: string | undefined): Promise<LedgerJoin> {
    if (file !== undefined) {
      await access(file, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    return new LedgerJoin(file);
  }

  addSource(file: ListedFile): void {
    this.files.add(file.path, file.size, file.mtimeMs);
  }

  /** addSource for a path given as UTF-8 bytes buf[start, end), its size in numbers[0] and mtime in numbers[1] (FileTable.addListed). */
  addListed(buf: Buffer, start: number, end: number, numbers: Float64Array): void {
    this.files.addListed(buf, start, end, numbers);
  }

  /** A file found equal just now. */
  addVerified(path: string): void {
    this.reserveVerified(3 * path.length + 1);
    this.verifiedUsed += this.verified.write(path, this.verifiedUsed);
    this.verified[this.verifiedUsed++] = 0;
  }

  /** addVerified for a path given as UTF-8 bytes buf[start, end). */
  addVerifiedBytes(buf: Buffer, start: number, end: number): void {
    this.reserveVerified(end - start + 1);
    this.verifiedUsed += buf.copy(this.verified, this.verifiedUsed, start, end);
    this.verified[this.verifiedUsed++] = 0;
  }

  private reserveVerified(bytes: number): void {
    const need = this.verifiedUsed + bytes;
    if (need > this.verified.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.verified.length, need));
      this.verified.copy(grown, 0, 0, this.verifiedUsed);
      this.verified = grown;
    }
  }

  /** Reads the old ledger into the table's a (size) and b (verified) columns, once: call it after the listing. */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    if (this.file === undefined) return;
    const handle = await open(this.file, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!handle) return;
    // Read as bytes: a line per file, each found in the table by its path's bytes. The last
    // run wrote the ledger in its listing order, and listings come in much the same order
    // (a directory's files together), so the rows after the last one found are tried first.
    const { files } = this;
    const found: LedgerBytes = { pathStart: 0, pathEnd: 0, size: 0, verified: 0 };
    const numbers = new Float64Array(2);
    let next = 0;
    const lines = new ByteLines((buf, start, end) => {
      if (parseLedgerBytes(buf, start, end, found) === FALLBACK) {
        this.joinLedgerLine(buf.toString('utf8', start, end));
        return;
      }
      // A file missing from the old ledger (never verified) leaves a gap: the next few rows are tried too.
      let row = next;
      while (row < next + NEAR && !files.isRowOf(row, buf, found.pathStart, found.pathEnd)) row++;
      if (row === next + NEAR) row = files.findBytes(buf, found.pathStart, found.pathEnd);
      if (row < 0) return;
      numbers[0] = found.size;
      numbers[1] = found.verified;
      files.setABFrom(row, numbers);
      next = row + 1;
    });
    try {
      const chunk = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length);
        if (bytesRead === 0) break;
        lines.push(chunk.subarray(0, bytesRead));
      }
      lines.end();
    } finally {
      await handle.close();
    }
  }

  private joinLedgerLine(line: string): void {
    const parsed = parseLedgerLine(line);
    if (!parsed) return;
    const row = this.files.find(parsed.path);
    if (row >= 0) this.files.setAB(row, parsed.entry.size, parsed.entry.verified);
  }

  private entryOf(row: number): LedgerEntry | undefined {
    const verified = this.files.b(row);
    return Number.isNaN(verified) ? undefined : { size: this.files.a(row), verified };
  }

  /** Rows of the listing (numbered from 0 in listing order). */
  get rows(): number {
    return this.files.length;
  }

  path(row: number): string {
    return this.files.path(row);
  }

  size(row: number): number {
    return this.files.size(row);
  }

  mtimeMs(row: number): number {
    return this.files.mtimeMs(row);
  }

  /** When the row's file was last verified, if unchanged (size, mtime) since (verifiedSince, from the columns); load() first. */
  verifiedMs(row: number): number | undefined {
    const verified = this.files.b(row);
    return verified >= this.files.mtimeMs(row) && this.files.a(row) === this.files.size(row) ? verified : undefined;
  }

  /**
   * The row's size, mtimeMs and verifiedMs (-Infinity for none) into out[0..2], for a pass
   * over every row: numbers returned from calls that are not inlined are heap numbers.
   */
  numbersOf(row: number, out: Float64Array): void {
    this.files.numbersOf(row, out);
    const size = out[0] as number;
    const verified = out[3] as number;
    out[2] = verified >= (out[1] as number) && out[2] === size ? verified : -Infinity;
  }

  /** The listed file in `row` (rows count from 0 in listing order). */
  fileAt(row: number): ListedFile {
    return { path: this.files.path(row), size: this.files.size(row), mtimeMs: this.files.mtimeMs(row) };
  }

  /** Every source file with its row and when it was last verified (unchanged since), in listing order; load() first. */
  *joined(): Generator<{ row: number; file: ListedFile; verifiedMs: number | undefined }> {
    if (!this.loaded) throw new Error('LedgerJoin.joined before load()');
    for (let row = 0; row < this.files.length; row++) yield { row, file: this.fileAt(row), verifiedMs: this.verifiedMs(row) };
  }

  /** Writes the new ledger (old entries of files still in the backup, updated by addVerified) and returns the coverage. */
  async write(now: number, windowMs: number): Promise<Coverage> {
    const file = this.file;
    if (file === undefined) throw new Error('LedgerJoin.write without a ledger file');
    await this.load();
    const { files } = this;
    // The rows verified now, in order, kept aside rather than marked in the table: rclone has
    // been started since the table was written, which left its pages copy-on-write, and a
    // mark in each of the sample's scattered rows cost a page fault each.
    const found: number[] = [];
    for (let start = 0; start < this.verifiedUsed; ) {
      const end = this.verified.indexOf(0, start);
      const row = files.findBytes(this.verified, start, end);
      if (row >= 0) found.push(row);
      start = end + 1;
    }
    const verifiedRows = Int32Array.from(found).sort();
    const tally = { files: 0, bytes: 0, coveredFiles: 0, coveredBytes: 0 };
    // The lines as bytes in ~1 MiB pieces, one buffer reused: writeFileAtomically writes a
    // piece before it asks for the next (fresh memory costs more than writing it).
    function* pieces(): Generator<Buffer> {
      const reused = Buffer.allocUnsafe(PIECE);
      let out = reused;
      let used = 0;
      let next = 0;
      const numbers = new Float64Array(4);
      const entry = new Float64Array(2);
      for (let row = 0; row < files.length; row++) {
        files.numbersOf(row, numbers);
        const size = numbers[0] as number;
        const mtimeMs = numbers[1] as number;
        while (next < verifiedRows.length && (verifiedRows[next] as number) < row) next++;
        const flagged = next < verifiedRows.length && verifiedRows[next] === row;
        const entrySize = flagged ? size : (numbers[2] as number);
        const verified = flagged ? now : (numbers[3] as number);
        tally.files += 1;
        tally.bytes += size;
        // verifiedSince: unchanged since it was verified (NaN, no entry, compares false).
        if (verified >= mtimeMs && entrySize === size && verified >= now - windowMs) {
          tally.coveredFiles += 1;
          tally.coveredBytes += size;
        }
        if (Number.isNaN(verified)) continue;
        const run = files.runOf(row);
        const dir = files.runDirStart(run);
        const dirLength = files.runDirLength(run);
        const name = files.nameStart(row);
        const room = ledgerBytesRoom(dirLength + files.nameLength(row));
        if (used + room > out.length) {
          yield out.subarray(0, used);
          out = room > PIECE ? Buffer.allocUnsafe(room) : reused;
          used = 0;
        }
        entry[0] = entrySize;
        entry[1] = verified;
        const end = writeLedgerPathBytes(out, used, files.runArena(run), dir, dir + dirLength, files.nameArena(row), name, name + files.nameLength(row), entry);
        if (end !== FALLBACK) {
          used = end;
          continue;
        }
        const line = `${ledgerLine(files.path(row), { size: entrySize, verified })}\n`;
        if (used + 3 * line.length > out.length) {
          yield out.subarray(0, used);
          out = 3 * line.length > PIECE ? Buffer.allocUnsafe(3 * line.length) : reused;
          used = 0;
        }
        used += out.write(line, used);
      }
      if (used > 0) yield out.subarray(0, used);
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomically(file, pieces(), { tempPath: `${file}.tmp-${process.pid}` });
    return coverageOf(tally, windowMs);
  }
}

const PIECE = 1 << 20;
/** Rows after the last one found that a ledger line is compared with before it is looked up. */
const NEAR = 4;

function coverageOf(tally: { files: number; bytes: number; coveredFiles: number; coveredBytes: number }, windowMs: number): Coverage {
  const pct = (a: number, b: number): number => (b === 0 ? 100 : Math.floor((1000 * a) / b) / 10);
  return { windowMs, filesPercent: pct(tally.coveredFiles, tally.files), bytesPercent: pct(tally.coveredBytes, tally.bytes) };
}
