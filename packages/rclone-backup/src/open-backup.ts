import type { ToolIO } from '@rclone-b2/core';
import { readConfig, type BackupConfig } from './config.js';
import { createContext, type BackupContext } from './context.js';
import { rcloneSecrets } from './secrets.js';

export interface OpenBackupOptions {
  verbosity: number;
  /** `--rclone-config FILE`. */
  rcloneConfig: string | undefined;
  /** The command line's --copy-links/--no-copy-links; undefined: the config's, else no. */
  copyLinks?: boolean | undefined;
  /**
   * Count the B2 calls (rclone's --dump headers, which forces -vv: tens of thousands of
   * debug records a run). Only worth it when someone reads the count: --json, -v, the
   * nightly runner's cost lines. Default yes.
   */
  meter?: boolean;
}

export interface OpenedBackup {
  config: BackupConfig;
  ctx: BackupContext;
  copyLinks: boolean;
}

/** Reads one backup's config and the secrets to redact: what every command starts with. */
export async function openBackup(file: string, options: OpenBackupOptions, io: ToolIO, now: () => number = Date.now): Promise<OpenedBackup> {
  // Both files are read at once; a broken config is still the error reported first.
  const pending = rcloneSecrets(options.rcloneConfig, io.env);
  pending.catch(() => undefined);
  const config = await readConfig(file);
  const secrets = await pending;
  const ctx = createContext(io, options.verbosity, options.rcloneConfig, secrets, now, options.meter ?? true);
  for (const warning of config.warnings) ctx.logger.notice(warning);
  // The command line wins for this run, but not unsaid: the config may describe how the backup is stored.
  if (options.copyLinks !== undefined && config.copyLinks !== undefined && options.copyLinks !== config.copyLinks) {
    ctx.logger.notice(`--${options.copyLinks ? '' : 'no-'}copy-links overrides copy_links = ${config.copyLinks ? 'yes' : 'no'} in ${config.file} for this run`);
  }
  return { config, ctx, copyLinks: options.copyLinks ?? config.copyLinks ?? false };
}
