import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardError } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { collectLinkConflicts } from './link-names.js';
import { isLocalPath, SPECIALS_ARCHIVE } from './rclone-args.js';
import { findSpecialFiles, writeSpecialsArchive } from './specials.js';

export interface PreparedSource {
  /** archived: the archive goes up with the sync; skipped: --force over a name clash. */
  specials: 'archived' | 'none' | 'skipped' | 'off';
  /** The temporary directory holding the archive (synced together with SOURCE). */
  specialsDir?: string;
  cleanup: () => Promise<void>;
}

export interface PrepareOptions {
  copyLinks: boolean;
  force: boolean;
  now: number;
}

const noop = async (): Promise<void> => {};
const sample = (paths: readonly string[]): string => paths.slice(0, 10).map((p) => `\n  ${p}`).join('') + (paths.length > 10 ? `\n  … and ${paths.length - 10} more` : '');

function refuseLinkConflicts(config: BackupConfig, ctx: BackupContext, conflicts: readonly string[], force: boolean): void {
  if (conflicts.length === 0) return;
  const what = `${conflicts.length} name(s) that rclone's --links encoding (symlink X stored as X.rclonelink) cannot back up: a file named *.rclonelink is read as a symlink and fails or is dropped, a directory X.rclonelink next to a symlink X collides with it; rename them, or set copy_links = yes`;
  if (!force) throw new GuardError(`refusing to sync ${config.name}: ${what}; nothing was changed (--force syncs anyway, without them)${sample(conflicts)}`);
  ctx.logger.warn(`--force: not backed up: ${what}${sample(conflicts)}`);
}

/**
 * Looks at a local SOURCE before the sync, reading it only: refuses names that rclone's
 * `--links` encoding cannot back up, and builds the special-files archive in a temporary
 * directory of its own (never in SOURCE, which may be a read-only snapshot). An entry of
 * SOURCE carrying the archive's reserved name would be shadowed by it: refused (exit 3),
 * or with --force the archive is left out instead, never the user's file.
 */
export async function prepareSource(config: BackupConfig, ctx: BackupContext, options: PrepareOptions): Promise<PreparedSource> {
  const local = isLocalPath(config.source);
  const archive = config.archiveSpecials && local;
  const checkLinks = !options.copyLinks && local;
  if (!archive && !checkLinks) return { specials: 'off', cleanup: noop };
  const conflicts: string[] = [];
  const members = await findSpecialFiles(config.source, checkLinks ? (relative, entries) => collectLinkConflicts(conflicts, relative, entries) : undefined);
  refuseLinkConflicts(config, ctx, conflicts.sort(), options.force);
  if (!archive) return { specials: 'off', cleanup: noop };
  if (members.length === 0) return { specials: 'none', cleanup: noop };
  if (await lstat(join(config.source, SPECIALS_ARCHIVE)).then(() => true, () => false)) {
    const what = `SOURCE has its own ${SPECIALS_ARCHIVE}, the name reserved at the destination for the archive of its ${members.length} special files (FIFOs, devices)`;
    if (!options.force) throw new GuardError(`refusing to sync ${config.name}: ${what}; rename it or set archive_specials = no (--force backs up your file and leaves the special files out)`);
    ctx.logger.warn(`--force: ${what}; backing up your file, the special files are not archived`);
    return { specials: 'skipped', cleanup: noop };
  }
  const dir = await mkdtemp(join(tmpdir(), 'rclone-backup-specials-'));
  try {
    await writeSpecialsArchive(dir, members, options.now);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  ctx.logger.info(`${members.length} special files archived as ${SPECIALS_ARCHIVE}`);
  return { specials: 'archived', specialsDir: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
