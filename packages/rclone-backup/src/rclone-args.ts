import { linkPathOf } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';

/** Editor backups never go into a backup: `foo~` and Emacs lock files `.#foo`. */
export const BUILTIN_FILTERS = ['- *~', '- .#*'] as const;
/**
 * The special-files archive's reserved name at the destination's root. It is never written
 * into SOURCE: it is built in a temporary directory that joins SOURCE through a read-only
 * union for the sync (so the sync keeps it rather than deleting it), and a SOURCE entry of
 * the same name makes the sync refuse instead of shadowing the user's file.
 */
export const SPECIALS_ARCHIVE = '.rclone-backup-special-files.tar.gz';

/** The rules every listing of SOURCE sees, in order: built-ins, then [filters]. */
export function filterRules(config: Pick<BackupConfig, 'filters'>, extra: readonly string[] = []): string[] {
  return [...BUILTIN_FILTERS, ...extra, ...config.filters];
}

/** rclone's quoting inside connection strings and union upstream lists: `"…"`, `""` for `"`. */
const quote = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/**
 * An on-the-fly union remote (`:union,upstreams=…:`) showing SOURCE and the directory
 * holding the archive as one read-only tree. Nothing is added to rclone.conf.
 */
export function unionSource(source: string, archiveDir: string): string {
  const upstreams = [source, archiveDir].map((dir) => quote(`${dir}:ro`)).join(' ');
  return `:union,upstreams=${quote(upstreams)}:`;
}

export function filterArgs(rules: readonly string[]): string[] {
  return rules.flatMap((rule) => ['--filter', rule]);
}

/**
 * `exclude_from` (e.g. unchanged-package-files' list): rclone applies --exclude-from rules
 * before every --filter rule whatever the argument order, so a `+` in [filters] cannot
 * bring such a file back. Every listing of SOURCE passes it, so verify sees what sync sees.
 */
export function excludeFromArgs(config: BackupConfig): string[] {
  return config.excludeFrom === undefined ? [] : ['--exclude-from', config.excludeFrom];
}

export interface SyncFlags {
  copyLinks: boolean;
  dryRun: boolean;
  verbosity: number;
  /** A directory holding SPECIALS_ARCHIVE, synced along with SOURCE. */
  specialsDir?: string;
}

/**
 * The link handling every listing of SOURCE shares, so --ls and verify see what sync sees:
 * follow links (`copy_links`), or store each as `NAME.rclonelink` holding its target text
 * (rclone's `--links`; `rclone copy -l` and encrypted-restore turn it back into the link).
 */
export function linkArgs(copyLinks: boolean): string[] {
  return [copyLinks ? '--copy-links' : '--links'];
}

/**
 * The names a filter must admit for a listed path to be seen again: rclone 1.60.1 filters a
 * symlink stored as `X.rclonelink` under both `X.rclonelink` and its own name `X`, so a
 * list of paths (or a filter file) naming `X.rclonelink` alone would silently leave the link out.
 */
export function filterNamesOf(path: string, copyLinks: boolean): string[] {
  const link = copyLinks ? undefined : linkPathOf(path);
  return link === undefined ? [path] : [path, link];
}

export interface SourceListing {
  copyLinks: boolean;
  /** Rules after the built-ins and before [filters] (e.g. [test-filters] for --audit). */
  extraRules?: readonly string[];
  /** rclone's --max-age: only files modified within it. */
  maxAge?: string;
}

/**
 * `rclone COMMAND [ARGS] --fast-list FILTERS LINKS SOURCE`: every listing of SOURCE (--ls,
 * --audit, verify, min_files, --newest) sees exactly what the sync sees.
 */
export function sourceListingArgs(config: BackupConfig, command: readonly string[], listing: SourceListing): string[] {
  return [
    ...command,
    '--fast-list',
    ...filterArgs(filterRules(config, listing.extraRules)),
    ...excludeFromArgs(config),
    ...linkArgs(listing.copyLinks),
    ...(listing.maxAge ? ['--max-age', listing.maxAge] : []),
    config.source,
  ];
}

export function verbosityArgs(verbosity: number): string[] {
  if (verbosity < 0) return ['-q'];
  return Array.from({ length: Math.min(verbosity, 2) }, () => '-v');
}

/** The --filter rules of the sync (after exclude_from's, which rclone applies first): built-ins, the archive's when it goes up, [filters]. */
export function syncFilterRules(config: Pick<BackupConfig, 'filters'>, specialsDir: string | undefined): string[] {
  return filterRules(config, specialsDir ? [`+ /${SPECIALS_ARCHIVE}`] : []);
}

/** `rclone sync SOURCE DEST` exactly as TOOLS.md lists the flags. */
export function syncArgs(config: BackupConfig, flags: SyncFlags): string[] {
  return [
    'sync',
    flags.specialsDir ? unionSource(config.source, flags.specialsDir) : config.source,
    config.destination,
    '--delete-excluded',
    ...filterArgs(syncFilterRules(config, flags.specialsDir)),
    ...excludeFromArgs(config),
    ...linkArgs(flags.copyLinks),
    '--fast-list',
    ...(flags.dryRun ? ['--dry-run'] : []),
    ...verbosityArgs(flags.verbosity),
  ];
}

/** A local path (what rclone treats as one) rather than `remote:path`. */
export function isLocalPath(location: string): boolean {
  if (location.startsWith('/') || location.startsWith('.')) return true;
  const colon = location.indexOf(':');
  if (colon < 0) return true;
  const slash = location.indexOf('/');
  return slash >= 0 && slash < colon;
}

/** Joins a path below an rclone location (`remote:` + `a` → `remote:a`, `/x` + `a` → `/x/a`). */
export function joinLocation(location: string, path: string): string {
  if (location.endsWith(':') || location.endsWith('/')) return `${location}${path}`;
  return `${location}/${path}`;
}
