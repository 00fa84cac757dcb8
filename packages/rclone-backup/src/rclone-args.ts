import type { BackupConfig } from './config.js';

/** Editor backups never go into a backup: `foo~` and Emacs lock files `.#foo`. */
export const BUILTIN_FILTERS = ['- *~', '- .#*'] as const;
export const SPECIALS_ARCHIVE = 'special-files.tar.gz';

/** The rules rclone sees, in order: built-ins, the specials archive (if on), then [filters]. */
export function filterRules(config: BackupConfig, extra: readonly string[] = []): string[] {
  const specials = config.archiveSpecials ? [`+ /${SPECIALS_ARCHIVE}`] : [];
  return [...BUILTIN_FILTERS, ...specials, ...extra, ...config.filters];
}

export function filterArgs(rules: readonly string[]): string[] {
  return rules.flatMap((rule) => ['--filter', rule]);
}

export interface SyncFlags {
  copyLinks: boolean;
  dryRun: boolean;
  verbosity: number;
}

/** The link handling every listing of SOURCE shares, so --ls and verify see what sync sees. */
export function linkArgs(copyLinks: boolean): string[] {
  return [copyLinks ? '--copy-links' : '--skip-links'];
}

export function verbosityArgs(verbosity: number): string[] {
  if (verbosity < 0) return ['-q'];
  return Array.from({ length: Math.min(verbosity, 2) }, () => '-v');
}

/** `rclone sync SOURCE DEST` exactly as TOOLS.md lists the flags. */
export function syncArgs(config: BackupConfig, flags: SyncFlags): string[] {
  return [
    'sync',
    config.source,
    config.destination,
    '--delete-excluded',
    ...filterArgs(filterRules(config)),
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
