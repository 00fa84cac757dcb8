import { lstatSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

const MAX_LINKS = 40; // as the kernel's MAXSYMLINKS

/**
 * Canonical directories inside a root: a package lists `/bin/ls`, but on a merged-/usr
 * system `/bin` is a link to `usr/bin` and a backup (which does not follow links) sees the
 * file as `/usr/bin/ls`. Links are followed inside ROOT — an absolute target means
 * ROOT + target, as for a chroot — so a copied root resolves as the live system would.
 * Results are cached per directory: a full install has a few thousand.
 */
export class RootResolver {
  private readonly dirs = new Map<string, string>([['/', '/']]);
  constructor(private readonly root: string) {}

  /** `path` (absolute, as seen inside the root) with its directories resolved; the last name is kept. */
  resolve(path: string): string {
    const slash = path.lastIndexOf('/');
    const dir = this.resolveDir(slash <= 0 ? '/' : path.slice(0, slash), 0);
    return (dir === '/' ? '' : dir) + path.slice(slash);
  }

  private resolveDir(dir: string, depth: number): string {
    const cached = this.dirs.get(dir);
    if (cached !== undefined) return cached;
    if (depth > MAX_LINKS) return dir; // a loop: leave it; lstat of files below will fail
    const parent = this.resolveDir(posix.dirname(dir), depth);
    const here = posix.join(parent, posix.basename(dir));
    let resolved = here;
    const stat = lstatSync(posix.join(this.root, here), { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) {
      const target = readlinkSync(posix.join(this.root, here));
      resolved = this.resolveDir(posix.resolve(parent, target), depth + 1);
    }
    this.dirs.set(dir, resolved);
    return resolved;
  }
}
