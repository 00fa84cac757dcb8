import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ConfigError, quoteForMessage, reasonOf, writeFileAtomically } from '@rclone-b2/core';

const HEADER = 'unchanged-package-files state 1';

/**
 * What a file's digest was when it had this identity. The key holds the inode change time:
 * every write changes ctime and no system call can set it back, so a file whose
 * (device, inode, size, mtime, ctime) all match has not been written since it was hashed —
 * even if someone restored its mtime with `touch -r`. Times are Node's millisecond doubles,
 * exact to well under a microsecond for today's dates (BigInt stats cost a third more time
 * and far more garbage over a hundred thousand files).
 */
export const identityOf = (stat: Stats): string => `${stat.dev}\t${stat.ino}\t${stat.size}\t${stat.mtimeMs}\t${stat.ctimeMs}`;

/**
 * The state file: `DIGEST<TAB>IDENTITY<TAB>PATH` lines of earlier runs; only this run's paths
 * are kept. Entries stay as their text (`DIGEST<TAB>IDENTITY`), compared and written back
 * as they are: a hundred thousand of them are parsed and checked in a blink that way.
 */
export class HashCache {
  private readonly old = new Map<string, string>();
  private readonly next = new Map<string, string>();
  private changed = false;

  /** Loads FILE; a missing file is an empty cache, a file that is not ours is refused. */
  static async load(file: string | undefined): Promise<HashCache> {
    const cache = new HashCache();
    if (file === undefined) return cache;
    let text: string;
    try {
      // Whole: it holds one line per package file, which this run holds in memory anyway.
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return cache;
      throw new ConfigError(`cannot read --state ${quoteForMessage(file)}: ${reasonOf(error)}`, undefined, { cause: error });
    }
    const lines = text.split('\n');
    if (lines[0] !== HEADER)
      throw new ConfigError(`${quoteForMessage(file)} is not a state file of unchanged-package-files (first line ${quoteForMessage(lines[0] ?? '', 40)})`);
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      let end = -1;
      for (let field = 0; field < 6 && (end = line.indexOf('\t', end + 1)) >= 0; field++);
      if (end > 0) cache.old.set(line.slice(end + 1), line.slice(0, end));
    }
    return cache;
  }

  /**
   * The digest recorded for PATH with exactly this identity and of the wanted length (the
   * algorithm), if any; a hit is kept for the next run as it is.
   */
  lookup(path: string, identity: string, digestLength: number): string | undefined {
    const entry = this.old.get(path);
    if (entry === undefined || entry.length !== digestLength + 1 + identity.length || !entry.endsWith(identity) || entry[digestLength] !== '\t')
      return undefined;
    this.next.set(path, entry);
    return entry.slice(0, digestLength);
  }

  remember(path: string, identity: string, digest: string): void {
    const entry = `${digest}\t${identity}`;
    if (this.old.get(path) !== entry) this.changed = true;
    this.next.set(path, entry);
  }

  /** Writes the file, unless it would come out exactly as it was read (the usual nightly case). */
  async save(file: string): Promise<void> {
    if (!this.changed && this.next.size === this.old.size) return;
    const next = this.next;
    await writeFileAtomically(
      file,
      (function* () {
        yield `${HEADER}\n`;
        for (const [path, entry] of next) yield `${entry}\t${path}\n`;
      })(),
    );
  }
}
