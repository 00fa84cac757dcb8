import { checkLocalSource, GuardError } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { runRcloneJson } from './context.js';
import { isLocalPath, joinLocation, sourceListingArgs } from './rclone-args.js';

/**
 * The checks that must pass before anything touches the destination: the source exists
 * and is not empty, is a mount point when it must be, holds its sentinel. Each failure
 * is a GuardError (exit 3) saying why.
 */
export async function checkSource(config: BackupConfig, ctx: BackupContext): Promise<void> {
  const source = config.source;
  if (isLocalPath(source)) {
    await checkLocalSource({ source, requireMount: config.requireMount, sentinel: config.sentinel });
    return;
  }
  if (config.requireMount) ctx.logger.warn(`require_mount ignored: ${source} is not a local path`);
  let entries = 0;
  const result = await runRcloneJson(ctx, ['lsf', '--max-depth', '1', source], {
    okExitCodes: [0, 3],
    verbosity: -1,
    onStdoutLine: () => {
      entries += 1;
    },
  });
  if (result.exitCode === 3) throw new GuardError(`source ${source} does not exist; refusing to sync`);
  if (entries === 0) throw new GuardError(`source ${source} is empty; refusing to sync`);
  if (config.sentinel) {
    const sentinel = await runRcloneJson(ctx, ['lsjson', '--stat', joinLocation(source, config.sentinel)], { okExitCodes: [0, 3], verbosity: -2 }).catch(() => ({ exitCode: 1 }));
    if (sentinel.exitCode !== 0) throw new GuardError(`sentinel ${config.sentinel} is missing in ${source}; refusing to sync`);
  }
}

/** Counts the files the backup would contain (with the filters), for min_files. */
export async function countSourceFiles(config: BackupConfig, ctx: BackupContext, copyLinks: boolean): Promise<number> {
  let count = 0;
  await runRcloneJson(ctx, sourceListingArgs(config, ['lsf', '-R', '--files-only'], { copyLinks }), {
    onStdoutLine: () => {
      count += 1;
    },
  });
  return count;
}

// The max_delete arithmetic is shared with rsync-backup: it lives in core.
export { deleteLimitBroken, type PlannedDeletes } from '@rclone-b2/core';
