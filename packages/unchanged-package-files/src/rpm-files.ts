import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ConfigError, readLines } from '@rclone-b2/core';
import type { PackageFile } from './dpkg-files.js';
import { algorithmOf } from './hash-file.js';
import type { InstalledFiles } from './package-db.js';

const RPMFILE_CONFIG = 1;
const RPMFILE_GHOST = 1 << 6;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const STATE_NORMAL = '0';

/**
 * One line per file of every installed package, tab-separated with the name last, so names
 * with spaces or tabs survive (`rpm -qa --dump` separates with spaces and cannot be parsed
 * back for such names; `%{=TAG}` repeats a package's scalar on each file's line). The same facts `--dump` and `rpm -Va` use: digest, mode, flags, state.
 */
const QUERY_FORMAT = '[%{=NAME}.%{=ARCH}\\t%{=NAME}\\t%{FILESTATES}\\t%{FILEFLAGS}\\t%{FILEMODES}\\t%{FILEDIGESTS}\\t%{FILENAMES}\\n]';

/**
 * Whether ROOT has an rpm database: rpm is installed and its database directory (`%{_dbpath}`:
 * /var/lib/rpm, /usr/lib/sysimage/rpm, or Debian's ~/.rpmdb) exists under ROOT.
 */
export async function rpmDatabaseExists(root: string): Promise<boolean> {
  const result = await execa('rpm', ['--eval', '%{_dbpath}'], { reject: false });
  return result.exitCode === 0 && existsSync(join(root, result.stdout.trim()));
}

/**
 * rpm's database under ROOT, streamed from `rpm -qa`: regular files in the "normal" state
 * (not replaced by another package, not excluded by --excludedocs or a netshared path), with
 * a digest, and not %ghost (rpm never wrote their content). Config files (%config) keep the
 * digest of the packaged version, so an edited one differs and stays in the backup.
 */
export async function* rpmPackages(root: string): AsyncGenerator<InstalledFiles> {
  const child = execa('rpm', ['--root', root, '-qa', '--queryformat', QUERY_FORMAT], { buffer: false, stderr: 'pipe', env: { LC_ALL: 'C' } });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let current: InstalledFiles | undefined;
  let currentKey = '';
  for await (const line of readLines(child.stdout!)) {
    const fields = line.split('\t');
    if (fields.length < 7) continue;
    const [key = '', name = '', state, flagsText, modeText, digest = '', ...pathParts] = fields;
    if (key !== currentKey) {
      if (current) yield current;
      current = { names: [name, key], files: [], hasChecksums: true };
      currentKey = key;
    }
    const flags = Number(flagsText);
    const mode = Number(modeText);
    if (state !== STATE_NORMAL || (flags & RPMFILE_GHOST) !== 0 || (mode & S_IFMT) !== S_IFREG) continue;
    if (!/^[0-9a-f]+$/.test(digest) || algorithmOf(digest) === undefined) {
      current!.hasChecksums = false; // a package built without file digests: nothing to compare with
      continue;
    }
    const file: PackageFile = { path: pathParts.join('\t'), digest, owner: key, conffile: (flags & RPMFILE_CONFIG) !== 0 };
    current!.files.push(file);
  }
  if (current) yield current;
  const result = await child.catch((error: unknown) => error);
  // rpm reports a bad query or database on stderr, sometimes with exit status 0
  if (result instanceof Error || /^error:/m.test(stderr)) {
    throw new ConfigError(`cannot read the rpm database under ${root}: ${stderr.trim() || (result as Error).message}`, undefined, { cause: result });
  }
}
