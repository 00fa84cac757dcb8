import { ExitCode, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import { readConfig, type BackupConfig } from './config.js';

/**
 * `--filters`: the [filters] rules, one a line, from the backup config alone. A config with
 * warnings gives undefined: those are printed through the logger, which redacts rclone.conf's
 * secrets, so that case takes the full path (runBackup), which reads rclone.conf.
 */
export async function printFilters(file: string, io: ToolIO): Promise<number | undefined> {
  const config = await readConfig(file);
  if (config.warnings.length > 0) return undefined;
  return writeFilters(config, io);
}

/** The rules, one a line, as in the config. */
export async function writeFilters(config: Pick<BackupConfig, 'filters'>, io: Pick<ToolIO, 'stdout'>): Promise<number> {
  for (const rule of config.filters) await writeWithBackpressure(io.stdout, `${rule}\n`);
  return ExitCode.Ok;
}
