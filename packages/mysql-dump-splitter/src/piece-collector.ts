import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeAllSync } from './atomic-file.js';
import { TEMP_PREFIX } from './piece-name.js';
import type { PieceSink } from './piece-sink.js';
import type { PieceRecord } from './state.js';

// Receives the pieces as they stream past. A piece is hashed while it is buffered (at most
// `spillBytes`, beyond that it streams into a temporary file); at its end, a piece whose
// label and SHA-256 match an intact piece of the previous run is dropped (nothing written),
// any other piece is written to a temporary file and fsync'ed. Final names are given only
// by commit(), once the whole input has been read and found complete.

export interface CollectedPiece {
  label: string;
  sha256: string;
  size: number;
  /** Temporary file holding the content (new or changed pieces, not in dry-run). */
  tempPath?: string;
  /** Intact pieces of the previous run with the same label and content. */
  matches: PieceRecord[];
}

const STAGING = 64 * 1024;

export class PieceCollector implements PieceSink {
  readonly pieces: CollectedPiece[] = [];
  private readonly temps = new Set<string>();
  private label: string | undefined;
  private hash: Hash | undefined;
  private size = 0;
  private parts: Buffer[] = [];
  private buffered = 0;
  private fd: number | undefined;
  private tempPath: string | undefined;
  private staging = Buffer.allocUnsafe(STAGING);
  private staged = 0;
  private counter = 0;

  constructor(
    private readonly dir: string,
    private readonly previous: ReadonlyMap<string, PieceRecord[]>,
    private readonly dryRun: boolean,
    private readonly spillBytes = 32 * 1024 * 1024,
  ) {}

  start(label: string): void {
    this.label = label;
    this.hash = createHash('sha256');
    this.size = 0;
    this.parts = [];
    this.buffered = 0;
  }

  write(chunk: Buffer): void {
    if (chunk.length < 4096) {
      if (this.staged + chunk.length > STAGING) this.flushStaging();
      chunk.copy(this.staging, this.staged);
      this.staged += chunk.length;
      return;
    }
    this.flushStaging();
    this.take(chunk);
  }

  end(): void {
    if (this.label === undefined || !this.hash) return;
    this.flushStaging();
    const sha256 = this.hash.digest('hex');
    const piece: CollectedPiece = { label: this.label, sha256, size: this.size, matches: this.previous.get(`${this.label} ${sha256}`) ?? [] };
    this.label = undefined;
    this.hash = undefined;
    if (this.size > 0) {
      if (piece.matches.length === 0 && !this.dryRun) {
        if (this.fd === undefined) this.openTemp();
        for (const part of this.parts) writeAllSync(this.fd as number, part);
        fsyncSync(this.fd as number);
        piece.tempPath = this.tempPath;
      }
      this.pieces.push(piece);
    }
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.tempPath && !piece.tempPath) this.removeTemp(this.tempPath);
    this.fd = undefined;
    this.tempPath = undefined;
    this.parts = [];
    this.buffered = 0;
  }

  /** Deletes every temporary file this run created and has not handed over. */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    for (const path of [...this.temps]) this.removeTemp(path);
  }

  /** Called by commit() once a temporary file has been renamed to its final name. */
  handedOver(path: string): void {
    this.temps.delete(path);
  }

  private flushStaging(): void {
    if (this.staged === 0) return;
    const filled = this.staging.subarray(0, this.staged);
    this.staging = Buffer.allocUnsafe(STAGING);
    this.staged = 0;
    this.take(filled);
  }

  private take(chunk: Buffer): void {
    (this.hash as Hash).update(chunk);
    this.size += chunk.length;
    if (this.dryRun) return;
    if (this.fd !== undefined) {
      writeAllSync(this.fd, chunk);
      return;
    }
    this.parts.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered > this.spillBytes) {
      this.openTemp();
      for (const part of this.parts) writeAllSync(this.fd as unknown as number, part);
      this.parts = [];
    }
  }

  private openTemp(): void {
    this.counter += 1;
    this.tempPath = join(this.dir, `${TEMP_PREFIX}${process.pid}-${this.counter}`);
    this.fd = openSync(this.tempPath, 'wx', 0o644);
    this.temps.add(this.tempPath);
  }

  private removeTemp(path: string): void {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
    this.temps.delete(path);
  }
}
