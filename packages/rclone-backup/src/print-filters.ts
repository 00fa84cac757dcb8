import { ExitCode, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import { readConfig, type BackupConfig } from './config.js';
import { filterRules } from './rclone-args.js';

/**
 * `--filters`: the rules, one a line, from the backup config alone. A config with
 * warnings gives undefined: those are printed through the logger, which redacts rclone.conf's
 * secrets, so that case takes the full path (runBackup), which reads rclone.conf.
 */
export async function printFilters(file: string, io: ToolIO): Promise<number | undefined> {
  const config = await readConfig(file);
  if (config.warnings.length > 0) return undefined;
  return writeFilters(config, io);
}

/**
 * Every rule a listing of SOURCE applies, one a line, in rclone's order, as a filter file
 * would hold them: exclude_from first (named in a comment: rclone applies its rules before
 * all others), then the built-in excludes, then [filters].
 */
export async function writeFilters(config: Pick<BackupConfig, 'filters' | 'excludeFrom'>, io: Pick<ToolIO, 'stdout'>): Promise<number> {
  const lines = [...(config.excludeFrom === undefined ? [] : [`# exclude_from ${config.excludeFrom}: rclone applies its rules before these`]), ...filterRules(config)];
  for (const line of lines) await writeWithBackpressure(io.stdout, `${line}\n`);
  return ExitCode.Ok;
}
