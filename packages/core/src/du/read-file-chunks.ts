import { readSync } from 'node:fs';

/**
 * A listing file's bytes in large chunks read synchronously: no thread-pool round trip
 * and no stream machinery per 64 KiB (a CLI reading one file has nothing to do meanwhile).
 * Each chunk is a fresh Buffer, so a reader may keep parts of earlier ones; with `reuse`,
 * every chunk is read into the same Buffer (for a reader that keeps nothing, such as
 * readListing): a fresh MiB per chunk costs page faults on every page (~10% of a run).
 */
export async function* readFileChunks(fd: number, chunkSize = 1 << 20, reuse = false): AsyncGenerator<Buffer> {
  let position = 0;
  let kept: Buffer | undefined;
  for (;;) {
    const buf = kept ?? Buffer.allocUnsafeSlow(chunkSize);
    if (reuse) kept = buf;
    const n = readSync(fd, buf, 0, chunkSize, position);
    if (n === 0) return;
    position += n;
    yield n === chunkSize ? buf : buf.subarray(0, n);
  }
}
