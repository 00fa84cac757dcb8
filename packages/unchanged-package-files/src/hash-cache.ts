import { createReadStream } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { readLines, writeFileAtomically } from '@rclone-b2/core';

const HEADER = 'unchanged-package-files state 1';

/**
 * What a file's digest was when it had this identity. The key holds the inode change time:
 * every write changes ctime and no system call can set it back, so a file whose
 * (device, inode, size, mtime, ctime) all match, to the nanosecond, has not been written
 * since it was hashed — even if someone restored its mtime with `touch -r`.
 */
export const identityOf = (stat: BigIntStats): string => `${stat.dev}\t${stat.ino}\t${stat.size}\t${stat.mtimeNs}\t${stat.ctimeNs}`;

/** The state file: digests of earlier runs keyed by path and identity; only this run's paths are kept. */
export class HashCache {
  private readonly old = new Map<string, { identity: string; digest: string }>();
  private readonly next = new Map<string, { identity: string; digest: string }>();

  /** Loads FILE; a missing file is an empty cache, a file that is not ours is refused. */
  static async load(file: string | undefined): Promise<HashCache> {
    const cache = new HashCache();
    if (file === undefined) return cache;
    let first = true;
    try {
      for await (const line of readLines(createReadStream(file))) {
        if (first) {
          if (line !== HEADER) throw new Error(`${file} is not a state file of this tool (first line ${JSON.stringify(line.slice(0, 40))})`);
          first = false;
          continue;
        }
        const fields = line.split('\t');
        if (fields.length < 7) continue;
        const [digest = '', ...rest] = fields;
        cache.old.set(rest.slice(5).join('\t'), { identity: rest.slice(0, 5).join('\t'), digest });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return cache;
  }

  /** The digest recorded for PATH with exactly this identity, if any. */
  lookup(path: string, identity: string): string | undefined {
    const entry = this.old.get(path);
    return entry?.identity === identity ? entry.digest : undefined;
  }

  remember(path: string, identity: string, digest: string): void {
    this.next.set(path, { identity, digest });
  }

  async save(file: string): Promise<void> {
    const next = this.next;
    await writeFileAtomically(file, (function* () {
      yield `${HEADER}\n`;
      for (const [path, { identity, digest }] of next) yield `${digest}\t${identity}\t${path}\n`;
    })());
  }
}
