import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeName, GuardError, hasNameEscapes } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { collectLinkConflicts, collectSymlinks, forEachDirectory } from './link-names.js';
import { findLinkConflicts, readLinkNamesCache, writeLinkNamesCache } from './link-names-cache.js';
import { isLocalPath, SPECIALS_ARCHIVE } from './rclone-args.js';
import type { SpecialsCache } from './specials-cache.js';
import type { DirEntry } from './read-directory.js';
import { findSpecialFiles, statSpecials, writeSpecialsArchive, type SpecialFile } from './specials.js';

export interface PreparedSource {
  /** archived: the archive goes up with the sync; skipped: --force over a name clash. */
  specials: 'archived' | 'none' | 'skipped' | 'off';
  /** The temporary directory holding the archive (synced together with SOURCE). */
  specialsDir?: string;
  /** The special files the archive holds (archive_specials on a local SOURCE; empty: none). */
  members?: SpecialFile[];
  /** Whether SOURCE was walked for --links name conflicts. */
  linksChecked: boolean;
  /** With linksChecked: the symlinks of SOURCE (relative paths, unsorted), for the --links filter notice. */
  links?: string[];
  cleanup: () => Promise<void>;
}

export interface PrepareOptions {
  copyLinks: boolean;
  force: boolean;
  now: number;
  /** What the last run archived (specials-cache.ts): where to look instead of walking SOURCE. */
  known?: SpecialsCache;
  /** The special files to archive, as rclone named them in this run (a second try). */
  members?: SpecialFile[];
  /** Walk SOURCE for --links name conflicts even when the special files are known (no dry run will say). */
  walkLinks: boolean;
}

const noop = async (): Promise<void> => {};
const sample = (paths: readonly string[]): string => paths.slice(0, 10).map((p) => `\n  ${escapeName(p)}`).join('') + (paths.length > 10 ? `\n  … and ${paths.length - 10} more` : '');
const sameMembers = (a: readonly SpecialFile[], b: readonly SpecialFile[]): boolean => JSON.stringify(a) === JSON.stringify(b);

function refuseLinkConflicts(config: BackupConfig, ctx: BackupContext, conflicts: readonly string[], force: boolean): void {
  if (conflicts.length === 0) return;
  const what = `${conflicts.length} name(s) that rclone's --links encoding (symlink X stored as X.rclonelink) cannot back up: a file named *.rclonelink is read as a symlink and fails or is dropped, a directory X.rclonelink next to a symlink X collides with it; rename them, or set copy_links = yes`;
  if (!force) throw new GuardError(`refusing to sync ${config.name}: ${what}; nothing was changed (--force syncs anyway, without them)${sample(conflicts)}`);
  ctx.logger.warn(`--force: not backed up: ${what}${sample(conflicts)}`);
}

/**
 * Walks SOURCE for names that rclone's --links encoding cannot store; refuses (or with --force
 * warns). With `cacheFile`, only the directories changed since the last run are read
 * (link-names-cache.ts); `remember` false (a dry run) leaves the file as it was. Returns the
 * symlinks of SOURCE (relative paths, unsorted), the cached ones included.
 */
export async function checkLinkNames(config: BackupConfig, ctx: BackupContext, force: boolean, cacheFile?: string, remember = true): Promise<string[]> {
  let conflicts: string[] = [];
  let links: string[] = [];
  if (cacheFile === undefined) {
    await forEachDirectory(config.source, (relative, entries) => {
      collectLinkConflicts(conflicts, relative, entries);
      collectSymlinks(links, relative, entries);
    });
  } else {
    const found = await findLinkConflicts(config.source, await readLinkNamesCache(cacheFile, config.source));
    conflicts = found.conflicts;
    links = found.links;
    if (found.changed && remember) await writeLinkNamesCache(cacheFile, found.cache);
  }
  refuseLinkConflicts(config, ctx, conflicts.sort(), force);
  return links;
}

/**
 * Looks at a local SOURCE before the sync, reading it only: refuses names that rclone's
 * `--links` encoding cannot back up, and builds the special-files archive in a temporary
 * directory of its own (never in SOURCE, which may be a read-only snapshot). An entry of
 * SOURCE carrying the archive's reserved name would be shadowed by it: refused (exit 3),
 * or with --force the archive is left out instead, never the user's file. With the special
 * files known (the last run's, or this run's rclone log) SOURCE is not walked, unless the
 * name-conflict check must run before rclone does (`walkLinks`).
 */
export async function prepareSource(config: BackupConfig, ctx: BackupContext, options: PrepareOptions): Promise<PreparedSource> {
  const local = isLocalPath(config.source);
  const archive = config.archiveSpecials && local;
  const checkLinks = !options.copyLinks && local;
  if (!archive && !checkLinks) return { specials: 'off', linksChecked: false, cleanup: noop };
  let members = options.members;
  if (!members && options.known && archive) members = await statSpecials(config.source, options.known.members.map((m) => m.path));
  const walkLinks = checkLinks && (options.walkLinks || (archive && !members));
  const links: string[] = [];
  if (walkLinks || (archive && !members)) {
    const conflicts: string[] = [];
    const onDirectory = (relative: string, entries: readonly DirEntry[]): void => {
      collectLinkConflicts(conflicts, relative, entries);
      collectSymlinks(links, relative, entries);
    };
    const found = await findSpecialFiles(config.source, walkLinks ? onDirectory : undefined);
    // A path that is not UTF-8 stays out, as it does when the special files come from rclone's
    // log (its JSON puts U+FFFD for those bytes, so the path is not found): the check of that
    // log (sync.ts) names it in a warning, on the first run as on every other.
    members ??= found.filter((member) => !hasNameEscapes(member.path));
    refuseLinkConflicts(config, ctx, conflicts.sort(), options.force);
  }
  if (!archive || !members) return { specials: 'off', linksChecked: walkLinks, links, cleanup: noop };
  if (members.length > 0 && (await lstat(join(config.source, SPECIALS_ARCHIVE)).then(() => true, () => false))) {
    const what = `SOURCE has its own ${SPECIALS_ARCHIVE}, the name reserved at the destination for the archive of its ${members.length} special files (FIFOs, devices)`;
    if (!options.force) throw new GuardError(`refusing to sync ${config.name}: ${what}; rename it or set archive_specials = no (--force backs up your file and leaves the special files out)`);
    ctx.logger.warn(`--force: ${what}; backing up your file, the special files are not archived`);
    return { specials: 'skipped', linksChecked: walkLinks, links, cleanup: noop };
  }
  // No union without special files: through one, rclone uploads with the SHA-1 at the end.
  if (members.length === 0) return { specials: 'none', members, linksChecked: walkLinks, links, cleanup: noop };
  const dir = await mkdtemp(join(tmpdir(), 'rclone-backup-specials-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const known = options.known && options.known.archive && sameMembers(options.known.members, members) ? Buffer.from(options.known.archive, 'base64') : undefined;
    await writeSpecialsArchive(dir, members, options.now, known);
  } catch (error) {
    await cleanup();
    throw error;
  }
  ctx.logger.info(`${members.length} special files archived as ${SPECIALS_ARCHIVE}`);
  return { specials: 'archived', specialsDir: dir, members, linksChecked: walkLinks, links, cleanup };
}
