import { closeSync, openSync, readSync } from 'node:fs';
import { writeAllSync } from './atomic-file.js';

// A piece too big to hold in memory would have to stream into a temporary file before we
// know whether it changed, and creating that file changes the output directory's mtime
// even when the run ends up writing nothing. Instead the piece's bytes are compared, as
// they arrive, with the previous run's piece of the same label; only when they differ is
// a temporary file made, starting with the equal prefix copied from the old piece.

export class FileFollower {
  private pos = 0;

  private constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly scratch: Buffer,
  ) {}

  /**
   * Follows the file at path if its first bytes equal head; undefined if they do not (or it
   * cannot be read). scratch receives the file's bytes; two followers alive at once need two.
   */
  static start(path: string, size: number, head: Buffer, scratch = Buffer.allocUnsafe(1 << 20)): FileFollower | undefined {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return undefined;
    }
    const follower = new FileFollower(fd, size, scratch);
    if (follower.follow(head)) return follower;
    follower.close();
    return undefined;
  }

  /** How many bytes have matched so far. */
  get matched(): number {
    return this.pos;
  }

  /** Whether the next bytes of the file equal chunk; advances past them if so. */
  follow(chunk: Buffer): boolean {
    if (this.pos + chunk.length > this.size) return false;
    for (let off = 0; off < chunk.length;) {
      const n = Math.min(this.scratch.length, chunk.length - off);
      const got = readSync(this.fd, this.scratch, 0, n, this.pos + off);
      if (got !== n || !this.scratch.subarray(0, n).equals(chunk.subarray(off, off + n))) return false;
      off += n;
    }
    this.pos += chunk.length;
    return true;
  }

  /** Whether every byte of the file has been matched. */
  get complete(): boolean {
    return this.pos === this.size;
  }

  /** Writes the matched prefix (the bytes already seen) to fd. */
  copyMatchedTo(fd: number): void {
    this.replayMatched((bytes) => writeAllSync(fd, bytes));
  }

  /** Passes the matched prefix to consume, in blocks that are valid only during the call. */
  replayMatched(consume: (bytes: Buffer) => void): void {
    for (let off = 0; off < this.pos;) {
      const got = readSync(this.fd, this.scratch, 0, Math.min(this.scratch.length, this.pos - off), off);
      if (got === 0) throw new Error('the previous piece shrank while being read');
      consume(this.scratch.subarray(0, got));
      off += got;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
