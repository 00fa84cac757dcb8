import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

const SMALL = 1 << 20;

/** The algorithm of a hex digest, told by its length (dpkg: MD5; rpm: MD5, SHA-1, SHA-256 or SHA-512). */
const ALGORITHMS = new Map([
  [32, 'md5'],
  [40, 'sha1'],
  [64, 'sha256'],
  [128, 'sha512'],
]);

export function algorithmOf(digest: string): string | undefined {
  return ALGORITHMS.get(digest.length);
}

/** Hex digest of a file's content: small files in one read, large ones streamed. */
export async function digestFile(path: string, size: number, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  if (size <= SMALL) {
    hash.update(await readFile(path));
  } else {
    for await (const chunk of createReadStream(path, { highWaterMark: SMALL })) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
