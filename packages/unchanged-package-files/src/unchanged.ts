import { existsSync, lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import {
  BufferedWriter,
  cannotReplaceReason,
  ConfigError,
  ProblemError,
  forEachLimit,
  isSystemError,
  quoteForMessage,
  systemErrorReason,
  UsageError,
  writeOutputFile,
  type ToolIO,
} from '@rclone-b2/core';
import { dpkgPackages } from './dpkg-files.js';
import type { Database, InstalledFiles } from './package-db.js';
import { rpmDatabaseExists, rpmPackages } from './rpm-files.js';
import { HashCache, identityOf } from './hash-cache.js';
import { algorithmOf, digestFile } from './hash-file.js';
import { excludeRule, type Syntax } from './patterns.js';
import { RootResolver } from './resolve-in-root.js';

export interface UnchangedOptions {
  /** The system's root; a copied root is read as if chrooted into it. */
  root: string;
  /** dpkg's database (default ROOT/var/lib/dpkg, as dpkg --root). */
  admindir: string;
  database: Database;
  syntax: Syntax;
  nul: boolean;
  /** Write the list here (atomically) instead of standard output. */
  output?: string;
  /** The digest cache between runs (see HashCache). */
  state?: string;
  /** Only these packages (`name` or `name:arch`); empty: every installed package. */
  packages: readonly string[];
  json: boolean;
  verbosity: number;
}

export interface Summary {
  packages: number;
  packagesWithoutChecksums: number;
  /** Distinct paths (after diversions and directory links) that a package records a checksum for. */
  files: number;
  /** Excluded: the content matches the package's checksum. */
  unchanged: number;
  changed: number;
  changedConffiles: number;
  /** Absent, or not a regular file any more. */
  missing: number;
  /** Listed by several packages with different checksums: kept in the backup. */
  conflicting: number;
  unreadable: number;
  hashed: number;
  fromState: number;
  seconds: number;
}

/** Kept small: a full install has a hundred thousand. */
interface Entry {
  digest: string;
  /** Owners joined by `, ` (for messages only). */
  owners: string;
  conffile: boolean;
  /** Owners recorded different digests: which one is "the package's" is unknowable. */
  conflicting: boolean;
}

type Verdict = 'unchanged' | 'changed' | 'missing' | 'conflicting' | 'unreadable';

/** The package database to read: `auto` is dpkg when ADMINDIR/status exists, else rpm when ROOT has an rpm database. */
async function packagesOf(options: UnchangedOptions): Promise<AsyncIterable<InstalledFiles>> {
  if (options.database === 'dpkg' || (options.database === 'auto' && existsSync(join(options.admindir, 'status')))) return dpkgPackages(options.admindir);
  if (await rpmDatabaseExists(options.root)) return rpmPackages(options.root);
  if (options.database === 'rpm') throw new ConfigError(`no rpm database under ${quoteForMessage(options.root)} (or no rpm program)`);
  return dpkgPackages(options.admindir); // neither: dpkg's error names what is missing
}

/** Every file a settled package records a checksum for, keyed by where a backup sees it. */
async function collect(options: UnchangedOptions, summary: Summary): Promise<Map<string, Entry>> {
  const resolver = new RootResolver(options.root);
  const entries = new Map<string, Entry>();
  const wanted = new Set(options.packages);
  const seen = new Set<string>();
  for await (const pkg of await packagesOf(options)) {
    if (wanted.size > 0 && !pkg.names.some((name) => wanted.has(name))) continue;
    pkg.names.forEach((name) => seen.add(name));
    summary.packages++;
    if (!pkg.hasChecksums) summary.packagesWithoutChecksums++;
    for (const file of pkg.files) {
      const path = resolver.resolve(file.path);
      const entry = entries.get(path);
      if (entry === undefined) entries.set(path, { digest: file.digest, owners: file.owner, conffile: file.conffile, conflicting: false });
      else {
        entry.owners += `, ${file.owner}`;
        entry.conffile ||= file.conffile;
        entry.conflicting ||= entry.digest !== file.digest;
      }
    }
  }
  const absent = [...wanted].filter((name) => !seen.has(name));
  // A named package that is not installed must not pass for one whose files all changed.
  if (absent.length > 0) throw new ProblemError(`not installed: ${absent.map((name) => quoteForMessage(name)).join(', ')}`);
  return entries;
}

/**
 * The exclude list: files that installed packages hold unchanged, so a backup need not copy
 * them (a reinstall restores them). Anything in doubt — changed, a conffile the admin edited,
 * several owners disagreeing, unreadable, a package without checksums — stays in the backup.
 * Only what the state file cannot vouch for by identity (see HashCache) is hashed.
 */
export async function unchangedPackageFiles(options: UnchangedOptions, io: ToolIO, now: () => number = Date.now): Promise<Summary> {
  const started = now();
  const summary: Summary = {
    packages: 0,
    packagesWithoutChecksums: 0,
    files: 0,
    unchanged: 0,
    changed: 0,
    changedConffiles: 0,
    missing: 0,
    conflicting: 0,
    unreadable: 0,
    hashed: 0,
    fromState: 0,
    seconds: 0,
  };
  // A place the list or the state cannot be written to is the user's to fix (exit 2), said before the hashing.
  for (const [flag, path] of [['--output', options.output], ['--state', options.state]] as const) {
    // The list may go into a device or a pipe (-o /dev/null, -o >(gzip > list.gz)); the state is a file.
    const why = path === undefined ? undefined : await cannotReplaceReason(path, { streams: flag === '--output' });
    if (why !== undefined) throw new UsageError(`cannot write ${flag} ${quoteForMessage(path!)}: ${why}`);
  }
  let entries: Map<string, Entry>;
  try {
    entries = await collect(options, summary);
  } catch (error) {
    if (!isSystemError(error)) throw error;
    throw new ConfigError(`cannot read the dpkg database in ${quoteForMessage(options.admindir)}: ${systemErrorReason(error)}`, undefined, { cause: error });
  }
  const cache = await HashCache.load(options.state);
  const paths = [...entries.keys()].sort();
  summary.files = paths.length;
  const verdicts = new Array<Verdict>(paths.length);
  const toHash: { index: number; stat: Stats }[] = [];
  const onDisk = (path: string): string => (options.root === '/' ? path : options.root + path);
  const judge = (index: number, actual: string): Verdict => (entries.get(paths[index]!)!.digest === actual ? 'unchanged' : 'changed');

  paths.forEach((path, index) => {
    const entry = entries.get(path)!;
    const stat = lstatSync(onDisk(path), { throwIfNoEntry: false });
    if (!stat?.isFile()) verdicts[index] = 'missing';
    else if (entry.conflicting) verdicts[index] = 'conflicting';
    else if (algorithmOf(entry.digest) === undefined)
      verdicts[index] = 'changed'; // no usable digest (dpkg's `newconffile`): keep it
    else {
      const known = cache.lookup(path, identityOf(stat), entry.digest.length);
      if (known === undefined) toHash.push({ index, stat });
      else {
        summary.fromState++;
        verdicts[index] = judge(index, known);
      }
    }
  });

  const problems: string[] = [];
  await forEachLimit(toHash, 4, async ({ index, stat }) => {
    const path = paths[index]!;
    try {
      const actual = await digestFile(onDisk(path), stat.size, algorithmOf(entries.get(path)!.digest)!);
      summary.hashed++;
      // Remember the identity seen before reading: a write during the read changes ctime, so the next run hashes again.
      cache.remember(path, identityOf(stat), actual);
      verdicts[index] = judge(index, actual);
    } catch (error) {
      if (!isSystemError(error)) throw error;
      verdicts[index] = 'unreadable';
      problems.push(`cannot read ${quoteForMessage(path)}: ${systemErrorReason(error)} (kept in the backup)`);
    }
  });

  const separator = options.nul ? '\0' : '\n';
  const rules = function* (): Generator<string> {
    for (let i = 0; i < paths.length; i++) if (verdicts[i] === 'unchanged') yield excludeRule(paths[i]!, options.syntax) + separator;
  };
  for (let i = 0; i < paths.length; i++) {
    const verdict = verdicts[i]!;
    summary[verdict]++;
    const entry = entries.get(paths[i]!)!;
    if (verdict === 'changed' && entry.conffile) summary.changedConffiles++;
    const shown = verdict === 'changed' || verdict === 'conflicting' ? options.verbosity >= 1 : verdict === 'missing' && options.verbosity >= 2;
    if (shown) io.stderr.write(`${verdict}${entry.conffile ? ' conffile' : ''}: ${quoteForMessage(paths[i]!)} (${entry.owners})\n`);
  }
  for (const problem of problems) io.stderr.write(`unchanged-package-files: ${problem}\n`);

  if (options.output) await writeOrSay(options.output, rules(), 'the old list is left as it was');
  else {
    const out = new BufferedWriter(io.stdout);
    for (const rule of rules()) await out.write(rule);
    await out.flush();
  }
  if (options.state) await writeOrSay(options.state, cache, 'the list was written; the next run hashes again what it could not record');
  summary.seconds = (now() - started) / 1000;
  return summary;
}

/**
 * Writes the list or the state file, atomically; a failure while writing (a full disk) is the
 * run's problem (exit 1), said with the file the user named, not the temporary one.
 */
async function writeOrSay(path: string, content: Iterable<string> | HashCache, after: string): Promise<void> {
  try {
    if (content instanceof HashCache) await content.save(path);
    else await writeOutputFile(path, content);
  } catch (error) {
    if (!isSystemError(error)) throw error;
    throw new ProblemError(`cannot write ${quoteForMessage(path)}: ${systemErrorReason(error)} (${after})`, { cause: error });
  }
}
