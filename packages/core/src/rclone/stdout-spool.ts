import { createWriteStream, type WriteStream } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

// Reading a pipe costs Node a fresh 64 KiB buffer and a stream event per read, and a fast
// reader gets many small reads: for rclone's big outputs (a listing of a million files is
// ~130 MB) that was ~0.3 CPU-s and tens of thousands of page faults per 100 MB. A file
// read in 1 MiB blocks into one buffer costs a copy from the page cache. rclone writes
// the file through its own descriptor; it is unlinked at once, so nothing is left behind
// whatever happens, and the space is freed when both sides have closed it.

/** Bytes per read. */
const BLOCK = 1 << 20;
/** Longest wait for rclone to write more, between reads that found less than a block. */
const MAX_WAIT_MS = 100;

export class StdoutSpool {
  private constructor(
    private readonly writer: FileHandle,
    private readonly reader: FileHandle,
  ) {}

  /** An unnamed file in `dir`: rclone gets `fd` as its stdout. */
  static async create(dir: string): Promise<StdoutSpool> {
    const path = join(dir, `rclone-stdout-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const writer = await open(path, 'wx', 0o600);
    try {
      const reader = await open(path, 'r');
      await unlink(path);
      return new StdoutSpool(writer, reader);
    } catch (error) {
      await writer.close();
      await unlink(path).catch(() => undefined);
      throw error;
    }
  }

  /**
   * rclone's stdout: a stream over the file's descriptor, which spawn hands to rclone as
   * is (any object with a numeric `fd`); nothing is ever written through it here.
   */
  stdout(): WriteStream {
    return createWriteStream('', { fd: this.writer.fd, autoClose: false });
  }

  /**
   * Hands every byte rclone writes to `onChunk`, in order, in blocks of one reused buffer,
   * while it runs and after it exits. rclone writes a line or a few at a time: reading again
   * at once after a short read made tens of thousands of reads of a few hundred bytes each
   * (0.25 CPU-s for a 50,000-file verify), so after a read that did not fill the block the
   * next waits for more to come, a little longer each time (a file never makes rclone wait).
   */
  async drain(exited: Promise<unknown>, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
    let done = false;
    const finished = exited.then(
      () => void (done = true),
      () => void (done = true),
    );
    const block = Buffer.allocUnsafe(BLOCK);
    let position = 0;
    let wait = 1;
    for (;;) {
      // Whether rclone had exited before this read: if so, the file is whole, and a read that finds nothing is the end.
      const last = done;
      const { bytesRead } = await this.reader.read(block, 0, BLOCK, position);
      if (bytesRead > 0) {
        position += bytesRead;
        const waiting = onChunk(block.subarray(0, bytesRead));
        if (waiting) await waiting;
      }
      if (bytesRead === BLOCK) {
        // rclone writes faster than this reads: read on.
        wait = 1;
        continue;
      }
      if (last) {
        if (bytesRead === 0) return;
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, wait)))]);
      clearTimeout(timer);
      wait = Math.min(2 * wait, MAX_WAIT_MS);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.writer.close(), this.reader.close()]);
  }
}
