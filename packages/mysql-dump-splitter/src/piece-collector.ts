import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeAllSync } from './atomic-file.js';
import { FileFollower } from './file-follower.js';
import { TEMP_PREFIX } from './piece-name.js';
import type { PieceSink } from './piece-sink.js';
import type { PieceRecord } from './state.js';

// Receives the pieces as they stream past. A piece is copied into one reused buffer and
// hashed; at its end, a piece whose label and SHA-256 match an intact piece of the previous
// run is dropped (nothing written), any other piece is written to a temporary file (fsync'ed
// by commit()). A piece bigger than `spillBytes` is compared with the previous run's piece
// of the same label as it streams (see file-follower.ts) and goes to a temporary file only
// once it differs, so an unchanged run creates no file at all. Final names are given only
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

/** Where the bytes of a piece beyond the in-memory buffer go. */
type Overflow = { kind: 'temp'; fd: number; path: string } | { kind: 'follow'; follower: FileFollower } | { kind: 'discard' };

type TempOverflow = Extract<Overflow, { kind: 'temp' }>;

const FIRST_LOOK = 4096;

export class PieceCollector implements PieceSink {
  readonly pieces: CollectedPiece[] = [];
  private readonly temps = new Set<string>();
  private readonly byLabel = new Map<string, PieceRecord[]>();
  private label: string | undefined;
  private hash: Hash | undefined;
  private size = 0;
  /** The open piece's bytes (reused from piece to piece, so steady state allocates nothing). */
  private buf = Buffer.allocUnsafe(1 << 20);
  private len = 0;
  private overflow: Overflow | undefined;
  private counter = 0;

  constructor(
    private readonly dir: string,
    private readonly previous: ReadonlyMap<string, PieceRecord[]>,
    private readonly dryRun: boolean,
    /** Called before the first file is created: makes the output directory. */
    private readonly prepareDir: () => void,
    private readonly spillBytes = 32 * 1024 * 1024,
  ) {
    for (const records of previous.values()) {
      for (const record of records) this.byLabel.set(record.label, [...(this.byLabel.get(record.label) ?? []), record]);
    }
  }

  start(label: string): void {
    this.label = label;
    this.hash = createHash('sha256');
    this.size = 0;
    this.len = 0;
    this.overflow = undefined;
  }

  /** Copies the bytes (the caller may reuse its buffer); beyond spillBytes they overflow (see above). */
  write(chunk: Buffer): void {
    this.size += chunk.length;
    if (!this.overflow && this.len + chunk.length > this.buf.length) {
      if (this.len + chunk.length > this.spillBytes) {
        this.spill();
      } else {
        const bigger = Buffer.allocUnsafe(Math.min(this.spillBytes, Math.max(this.buf.length * 2, this.len + chunk.length)));
        this.buf.copy(bigger, 0, 0, this.len);
        this.buf = bigger;
      }
    }
    if (!this.overflow) {
      chunk.copy(this.buf, this.len);
      this.len += chunk.length;
      return;
    }
    (this.hash as Hash).update(chunk);
    const overflow = this.overflow;
    if (overflow.kind === 'temp') writeAllSync(overflow.fd, chunk);
    else if (overflow.kind === 'follow' && !overflow.follower.follow(chunk)) writeAllSync(this.diverge(overflow.follower).fd, chunk);
  }

  end(): void {
    if (this.label === undefined || !this.hash) return;
    const content = this.buf.subarray(0, this.len);
    if (!this.overflow) this.hash.update(content);
    const sha256 = this.hash.digest('hex');
    const piece: CollectedPiece = { label: this.label, sha256, size: this.size, matches: this.previous.get(`${this.label} ${sha256}`) ?? [] };
    let overflow = this.overflow;
    if (this.size > 0 && piece.matches.length === 0 && !this.dryRun) {
      // a followed piece that ends early (or whose old record no longer matches) differs after all
      if (overflow?.kind === 'follow') overflow = this.diverge(overflow.follower);
      if (!overflow) {
        overflow = this.openTemp();
        writeAllSync(overflow.fd, content);
      }
      // fsync happens in commit(), so the kernel can write back while we keep reading
      if (overflow.kind === 'temp') piece.tempPath = overflow.path;
    }
    if (this.size > 0) this.pieces.push(piece);
    if (overflow?.kind === 'temp') {
      closeSync(overflow.fd);
      if (!piece.tempPath) this.removeTemp(overflow.path);
    } else if (overflow?.kind === 'follow') {
      overflow.follower.close();
    }
    this.label = undefined;
    this.hash = undefined;
    this.overflow = undefined;
    this.len = 0;
  }

  /** Deletes every temporary file this run created and has not handed over. */
  abort(): void {
    if (this.overflow?.kind === 'temp') closeSync(this.overflow.fd);
    if (this.overflow?.kind === 'follow') this.overflow.follower.close();
    this.overflow = undefined;
    for (const path of [...this.temps]) this.removeTemp(path);
  }

  /** Called by commit() once a temporary file has been renamed to its final name. */
  handedOver(path: string): void {
    this.temps.delete(path);
  }

  private spill(): void {
    const head = this.buf.subarray(0, this.len);
    (this.hash as Hash).update(head);
    const follower = this.dryRun ? undefined : this.follow(head);
    if (this.dryRun) this.overflow = { kind: 'discard' };
    else if (follower) this.overflow = { kind: 'follow', follower };
    else {
      const temp = this.openTemp();
      writeAllSync(temp.fd, head);
    }
    this.len = 0;
  }

  /** A previous piece of the same label that starts with head, followed from there on. */
  private follow(head: Buffer): FileFollower | undefined {
    for (const record of this.byLabel.get(this.label as string) ?? []) {
      if (record.size < head.length) continue;
      const follower = FileFollower.start(join(this.dir, record.name), record.size, head.subarray(0, FIRST_LOOK));
      if (!follower) continue;
      if (follower.follow(head.subarray(FIRST_LOOK))) return follower;
      follower.close();
    }
    return undefined;
  }

  /** The piece differs from the followed one: a temporary file starting with the bytes seen so far. */
  private diverge(follower: FileFollower): TempOverflow {
    const temp = this.openTemp();
    follower.copyMatchedTo(temp.fd);
    follower.close();
    return temp;
  }

  private openTemp(): TempOverflow {
    this.prepareDir();
    this.counter += 1;
    const path = join(this.dir, `${TEMP_PREFIX}${process.pid}-${this.counter}`);
    const temp: TempOverflow = { kind: 'temp', fd: openSync(path, 'wx', 0o644), path };
    this.temps.add(path);
    this.overflow = temp;
    return temp;
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
