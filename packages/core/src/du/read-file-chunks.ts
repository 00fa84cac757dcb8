import { readSync } from 'node:fs';

/**
 * A listing file's bytes in large chunks read synchronously: no thread-pool round trip
 * and no stream machinery per 64 KiB (a CLI reading one file has nothing to do meanwhile).
 * Each chunk is a fresh Buffer, so a reader may keep parts of earlier ones.
 */
export async function* readFileChunks(fd: number, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  let position = 0;
  for (;;) {
    const buf = Buffer.allocUnsafeSlow(chunkSize);
    const n = readSync(fd, buf, 0, chunkSize, position);
    if (n === 0) return;
    position += n;
    yield n === chunkSize ? buf : buf.subarray(0, n);
  }
}
