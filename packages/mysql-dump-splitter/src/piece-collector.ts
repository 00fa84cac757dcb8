import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeAllSync } from './atomic-file.js';
import { FileFollower } from './file-follower.js';
import { TEMP_PREFIX } from './piece-name.js';
import type { PieceSink } from './piece-sink.js';
import type { PieceRecord } from './state.js';

// Receives the pieces as they stream past. A piece is first compared, as it streams, with
// the previous run's piece expected at this place (the next unused one of the same label):
// an unchanged piece is then known to have that piece's SHA-256 without being hashed or
// copied, which makes an unchanged run cost little more than reading the input. Once a piece
// differs, the bytes compared so far are replayed from the old file and the piece takes the
// general path: it is copied into one reused buffer and hashed; at its end, a piece whose label and SHA-256 match an intact piece of the previous
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

/** The previous run's piece the open piece is compared with. */
interface Guess {
  record: PieceRecord;
  follower: FileFollower;
}

const NOTHING = Buffer.alloc(0);

const FIRST_LOOK = 4096;

export class PieceCollector implements PieceSink {
  readonly pieces: CollectedPiece[] = [];
  private readonly temps = new Set<string>();
  /** Intact pieces of the previous run by label, in dump order. */
  private readonly byLabel = new Map<string, PieceRecord[]>();
  /** Per label, the index in byLabel of the next previous piece to guess. */
  private readonly cursor = new Map<string, number>();
  private readonly indexOf = new Map<PieceRecord, number>();
  private guess: Guess | undefined;
  private guessed: PieceRecord | undefined;
  private readonly guessScratch = Buffer.allocUnsafe(1 << 20);
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
    const records = [...previous.values()].flat().sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    for (const record of records) {
      const list = this.byLabel.get(record.label) ?? [];
      this.indexOf.set(record, list.length);
      list.push(record);
      this.byLabel.set(record.label, list);
    }
  }

  start(label: string): void {
    this.label = label;
    this.hash = undefined;
    this.size = 0;
    this.len = 0;
    this.overflow = undefined;
    const record = this.byLabel.get(label)?.[this.cursor.get(label) ?? 0];
    const follower = record && FileFollower.start(join(this.dir, record.name), record.size, NOTHING, this.guessScratch);
    this.guessed = record;
    this.guess = record && follower ? { record, follower } : undefined;
  }

  /** Compares with the guessed previous piece, else takes the bytes (the caller may reuse its buffer). */
  write(chunk: Buffer): void {
    if (this.guess) {
      if (this.guess.follower.follow(chunk)) return;
      this.dropGuess();
    }
    this.take(chunk);
  }

  /** Copies the bytes into the piece buffer; beyond spillBytes they overflow (see above). */
  private take(chunk: Buffer): void {
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
    this.hasher().update(chunk);
    const overflow = this.overflow;
    if (overflow.kind === 'temp') writeAllSync(overflow.fd, chunk);
    else if (overflow.kind === 'follow' && !overflow.follower.follow(chunk)) writeAllSync(this.diverge(overflow.follower).fd, chunk);
  }

  end(): void {
    const label = this.label;
    if (label === undefined) return;
    if (this.guess?.follower.complete && this.guess.follower.matched > 0) {
      // the same bytes as the previous piece, whose SHA-256 the state file holds
      const { record, follower } = this.guess;
      follower.close();
      this.guess = undefined;
      this.pieces.push({ label, sha256: record.sha256, size: record.size, matches: this.previous.get(`${label} ${record.sha256}`) ?? [] });
      this.cursor.set(label, (this.indexOf.get(record) as number) + 1);
      this.label = undefined;
      return;
    }
    if (this.guess) this.dropGuess();
    const content = this.buf.subarray(0, this.len);
    const hash = this.hasher();
    if (!this.overflow) hash.update(content);
    const sha256 = hash.digest('hex');
    const piece: CollectedPiece = { label, sha256, size: this.size, matches: this.previous.get(`${label} ${sha256}`) ?? [] };
    if (this.size > 0) this.advanceCursor(label, piece.matches);
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

  /** The piece differs from the guess: the bytes that matched go the general way, from the old file. */
  private dropGuess(): void {
    const follower = (this.guess as Guess).follower;
    this.guess = undefined;
    follower.replayMatched((bytes) => this.take(bytes));
    follower.close();
  }

  /**
   * The next guess for this label follows the previous piece this one equals, else the one
   * it was compared with; so after an inserted or removed cut, one piece is hashed, and the
   * guesses are back in step with the previous run.
   */
  private advanceCursor(label: string, matches: readonly PieceRecord[]): void {
    const from = this.cursor.get(label) ?? 0;
    const matched = matches.map((r) => this.indexOf.get(r) as number).filter((i) => i >= from);
    const next = matched.length > 0 ? Math.min(...matched) : this.guessed ? (this.indexOf.get(this.guessed) as number) : undefined;
    if (next !== undefined) this.cursor.set(label, next + 1);
  }

  private hasher(): Hash {
    this.hash ??= createHash('sha256');
    return this.hash;
  }

  /** Whether this run created any file in the directory (so far). */
  get madeFiles(): boolean {
    return this.counter > 0;
  }

  /** Deletes every temporary file this run created and has not handed over. */
  abort(): void {
    this.guess?.follower.close();
    this.guess = undefined;
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
    this.hasher().update(head);
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
