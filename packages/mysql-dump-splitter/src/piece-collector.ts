import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeAllSync } from './atomic-file.js';
import { TEMP_PREFIX } from './piece-name.js';
import type { PieceSink } from './piece-sink.js';
import type { PieceRecord } from './state.js';

// Receives the pieces as they stream past. A piece is copied into one reused buffer (at most
// `spillBytes`, beyond that it streams into a temporary file) and hashed; at its end, a piece whose
// label and SHA-256 match an intact piece of the previous run is dropped (nothing written),
// any other piece is written to a temporary file (fsync'ed by commit()). Final names are given only
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

export class PieceCollector implements PieceSink {
  readonly pieces: CollectedPiece[] = [];
  private readonly temps = new Set<string>();
  private label: string | undefined;
  private hash: Hash | undefined;
  private size = 0;
  /** The open piece's bytes (reused from piece to piece, so steady state allocates nothing). */
  private buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;
  private fd: number | undefined;
  private tempPath: string | undefined;
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
    this.len = 0;
  }

  /** Copies the bytes (the caller may reuse its buffer); beyond spillBytes they stream to a temp file. */
  write(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.fd !== undefined) {
      (this.hash as Hash).update(chunk);
      if (this.fd >= 0) writeAllSync(this.fd, chunk);
      return;
    }
    if (this.len + chunk.length > this.buf.length) {
      if (this.len + chunk.length > this.spillBytes) {
        this.spill();
        this.write(chunk);
        this.size -= chunk.length;
        return;
      }
      const bigger = Buffer.allocUnsafe(Math.min(this.spillBytes, Math.max(this.buf.length * 2, this.len + chunk.length)));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    chunk.copy(this.buf, this.len);
    this.len += chunk.length;
  }

  end(): void {
    if (this.label === undefined || !this.hash) return;
    const content = this.buf.subarray(0, this.len);
    if (this.fd === undefined) this.hash.update(content);
    const sha256 = this.hash.digest('hex');
    const piece: CollectedPiece = { label: this.label, sha256, size: this.size, matches: this.previous.get(`${this.label} ${sha256}`) ?? [] };
    this.label = undefined;
    this.hash = undefined;
    if (this.size > 0) {
      if (piece.matches.length === 0 && !this.dryRun) {
        if (this.fd === undefined) {
          this.openTemp();
          writeAllSync(this.fd as unknown as number, content);
        }
        // fsync happens in commit(), so the kernel can write back while we keep reading
        piece.tempPath = this.tempPath;
      }
      this.pieces.push(piece);
    }
    if (this.fd !== undefined && this.fd >= 0) closeSync(this.fd);
    if (this.tempPath && !piece.tempPath) this.removeTemp(this.tempPath);
    this.fd = undefined;
    this.tempPath = undefined;
    this.len = 0;
  }

  /** Deletes every temporary file this run created and has not handed over. */
  abort(): void {
    if (this.fd !== undefined && this.fd >= 0) closeSync(this.fd);
    this.fd = undefined;
    for (const path of [...this.temps]) this.removeTemp(path);
  }

  /** Called by commit() once a temporary file has been renamed to its final name. */
  handedOver(path: string): void {
    this.temps.delete(path);
  }

  private spill(): void {
    const content = this.buf.subarray(0, this.len);
    (this.hash as Hash).update(content);
    if (!this.dryRun) {
      this.openTemp();
      writeAllSync(this.fd as unknown as number, content);
    } else {
      this.fd = -1;
    }
    this.len = 0;
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
