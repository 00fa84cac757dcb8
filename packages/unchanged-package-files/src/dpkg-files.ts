import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { divertedPath, readDiversions } from './diversions.js';
import { installedPackages, type InstalledPackage } from './dpkg-status.js';
import type { InstalledFiles } from './package-db.js';

/** One file a package records a checksum for. */
export interface PackageFile {
  /** As the package names it: absolute, before diversions and directory links. */
  path: string;
  /** Lower-case hex digest the file's content must have to be the package's (MD5 for dpkg; rpm's algorithm, told by its length). */
  digest: string;
  /** `name` or `name:arch` as dpkg prints it. */
  owner: string;
  conffile: boolean;
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * A package's md5sums file: `info/NAME:ARCH.md5sums` for Multi-Arch: same packages (several
 * architectures side by side), `info/NAME.md5sums` otherwise. Undefined when the package
 * records none (its files are then never excluded: nothing to compare with).
 */
function readMd5sums(infoDir: string, pkg: InstalledPackage): string | undefined {
  for (const name of [`${pkg.name}:${pkg.architecture}`, pkg.name]) {
    try {
      return readFileSync(join(infoDir, `${name}.md5sums`), 'utf8');
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  return undefined;
}

/**
 * The files of one package with their recorded digests: md5sums lines (`HEX  relative/path`;
 * read whole and synchronously — a package's list is small, and there are hundreds — and split on `\n` only, so a name keeps any `\r`)
 * and the conffiles of the status file, whose checksum is the one that counts for them.
 */
export function packageFiles(infoDir: string, pkg: InstalledPackage): { files: PackageFile[]; hasMd5sums: boolean } {
  const owner = pkg.architecture === 'all' ? pkg.name : `${pkg.name}:${pkg.architecture}`;
  const text = readMd5sums(infoDir, pkg);
  const files: PackageFile[] = [];
  for (const line of text?.split('\n') ?? []) {
    // `HEX32  path` (or `HEX32 *path`), parsed by position: a regex per line is a third of a run's time.
    // A malformed digest cannot match any content, so such a file is kept, never wrongly excluded.
    if (line.length < 35 || line[32] !== ' ' || (line[33] !== ' ' && line[33] !== '*')) continue;
    const rest = line.slice(34);
    const path = rest.startsWith('/') ? rest : rest.startsWith('./') ? rest.slice(1) : `/${rest}`;
    if (pkg.conffiles.size > 0 && pkg.conffiles.has(path)) continue;
    files.push({ path, digest: line.slice(0, 32), owner, conffile: false });
  }
  for (const [path, digest] of pkg.conffiles) files.push({ path, digest: digest.toLowerCase(), owner, conffile: true });
  return { files, hasMd5sums: text !== undefined };
}

/** dpkg's database at ADMINDIR: every settled package with its files where diversions put them. */
export async function* dpkgPackages(admindir: string): AsyncGenerator<InstalledFiles> {
  const diversions = await readDiversions(join(admindir, 'diversions'));
  const infoDir = join(admindir, 'info');
  for await (const pkg of installedPackages(join(admindir, 'status'))) {
    const { files, hasMd5sums } = packageFiles(infoDir, pkg);
    for (const file of files) file.path = divertedPath(diversions, file.path, pkg.name);
    yield { names: [pkg.name, `${pkg.name}:${pkg.architecture}`], files, hasChecksums: hasMd5sums };
  }
}
