import { access, mkdir } from 'node:fs/promises';
import { constants, createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { dirname } from 'node:path';
import { ledgerLine, parseLedgerLine, verifiedSince, writeFileAtomically, type LedgerEntry } from '@rclone-b2/core';
import type { ListedFile } from './listing.js';
import { FileTable } from './verify-file-table.js';

export { ledgerLine, parseLedgerLine, verifiedSince, type LedgerEntry } from '@rclone-b2/core';

export interface Coverage {
  windowMs: number;
  filesPercent: number;
  bytesPercent: number;
}

/**
 * The verification ledger joined with the backup's file list. The list is held in columns
 * (FileTable: a byte arena and typed arrays, ~40 bytes per file plus its path) in listing
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

  /** A file found equal just now. */
  addVerified(path: string): void {
    const need = this.verifiedUsed + 3 * path.length + 1;
    if (need > this.verified.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.verified.length, need));
      this.verified.copy(grown, 0, 0, this.verifiedUsed);
      this.verified = grown;
    }
    this.verifiedUsed += this.verified.write(path, this.verifiedUsed);
    this.verified[this.verifiedUsed++] = 0;
  }

  /** Reads the old ledger into the table's a (size) and b (verified) columns, once: call it after the listing. */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    if (this.file === undefined) return;
    const stream = createReadStream(this.file);
    const ok = await new Promise<boolean>((resolve, reject) => {
      stream.once('open', () => resolve(true));
      stream.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
    });
    if (!ok) return;
    // Lines cut out of each chunk here, not one async step per line (a ledger has a line per file).
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        this.joinLedgerLine(text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest) this.joinLedgerLine(rest);
  }

  private joinLedgerLine(line: string): void {
    const parsed = parseLedgerLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (!parsed) return;
    const row = this.files.find(parsed.path);
    if (row >= 0) this.files.setAB(row, parsed.entry.size, parsed.entry.verified);
  }

  private entryOf(row: number): LedgerEntry | undefined {
    const verified = this.files.b(row);
    return Number.isNaN(verified) ? undefined : { size: this.files.a(row), verified };
  }

  /** The listed file in `row` (rows count from 0 in listing order). */
  fileAt(row: number): ListedFile {
    return { path: this.files.path(row), size: this.files.size(row), mtimeMs: this.files.mtimeMs(row) };
  }

  /** Every source file with its row and when it was last verified (unchanged since), in listing order; load() first. */
  *joined(): Generator<{ row: number; file: ListedFile; verifiedMs: number | undefined }> {
    if (!this.loaded) throw new Error('LedgerJoin.joined before load()');
    for (let row = 0; row < this.files.length; row++) {
      const file = this.fileAt(row);
      yield { row, file, verifiedMs: verifiedSince(this.entryOf(row), file) };
    }
  }

  /** Writes the new ledger (old entries of files still in the backup, updated by addVerified) and returns the coverage. */
  async write(now: number, windowMs: number): Promise<Coverage> {
    const file = this.file;
    if (file === undefined) throw new Error('LedgerJoin.write without a ledger file');
    await this.load();
    const { files } = this;
    for (let start = 0; start < this.verifiedUsed; ) {
      const end = this.verified.indexOf(0, start);
      const row = files.findBytes(this.verified, start, end);
      if (row >= 0) files.setFlag(row);
      start = end + 1;
    }
    const tally = { files: 0, bytes: 0, coveredFiles: 0, coveredBytes: 0 };
    const self = this;
    // Lines in ~64 KiB pieces: writeFileAtomically takes an async step per piece.
    function* lines(): Generator<string> {
      let piece = '';
      for (let row = 0; row < files.length; row++) {
        if (piece.length >= 65_536) {
          yield piece;
          piece = '';
        }
        const size = files.size(row);
        const entry = files.flag(row) ? { size, verified: now } : self.entryOf(row);
        tally.files += 1;
        tally.bytes += size;
        const since = verifiedSince(entry, { size, mtimeMs: files.mtimeMs(row) });
        if (since !== undefined && since >= now - windowMs) {
          tally.coveredFiles += 1;
          tally.coveredBytes += size;
        }
        if (entry) piece += `${ledgerLine(files.path(row), entry)}\n`;
      }
      if (piece) yield piece;
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomically(file, lines(), { tempPath: `${file}.tmp-${process.pid}` });
    return coverageOf(tally, windowMs);
  }
}

function coverageOf(tally: { files: number; bytes: number; coveredFiles: number; coveredBytes: number }, windowMs: number): Coverage {
  const pct = (a: number, b: number): number => (b === 0 ? 100 : Math.floor((1000 * a) / b) / 10);
  return { windowMs, filesPercent: pct(tally.coveredFiles, tally.files), bytesPercent: pct(tally.coveredBytes, tally.bytes) };
}
