import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

const SMALL = 1 << 20;

/** Hex MD5 of a file's content (dpkg's digest): small files in one read, large ones streamed. */
export async function md5File(path: string, size: number): Promise<string> {
  const hash = createHash('md5');
  if (size <= SMALL) {
    hash.update(await readFile(path));
  } else {
    for await (const chunk of createReadStream(path, { highWaterMark: SMALL })) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
