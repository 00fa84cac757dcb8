import { access, opendir, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { GuardError } from '@rclone-b2/core';
import type { BackupConfig, DeleteLimit } from './config.js';
import type { BackupContext } from './context.js';
import { runRcloneJson } from './context.js';
import { isLocalPath, joinLocation, sourceListingArgs } from './rclone-args.js';
import { isMountPoint } from './mounts.js';

async function localHasEntries(path: string): Promise<boolean> {
  const dir = await opendir(path);
  try {
    return (await dir.read()) !== null;
  } finally {
    await dir.close().catch(() => undefined);
  }
}

/**
 * The checks that must pass before anything touches the destination: the source exists
 * and is not empty, is a mount point when it must be, holds its sentinel. Each failure
 * is a GuardError (exit 3) saying why.
 */
export async function checkSource(config: BackupConfig, ctx: BackupContext): Promise<void> {
  const source = config.source;
  if (isLocalPath(source)) {
    const info = await stat(source).catch(() => undefined);
    if (!info) throw new GuardError(`source ${source} does not exist; refusing to sync (it would empty the backup)`);
    if (!info.isDirectory()) throw new GuardError(`source ${source} is not a directory`);
    if (config.requireMount && !(await isMountPoint(source))) {
      throw new GuardError(`source ${source} is not a mount point (require_mount = yes); is it unmounted?`);
    }
    if (!(await localHasEntries(source))) throw new GuardError(`source ${source} is empty; refusing to sync (it would empty the backup)`);
    if (config.sentinel) {
      const sentinel = isAbsolute(config.sentinel) ? config.sentinel : join(source, config.sentinel);
      if (!(await access(sentinel).then(() => true, () => false))) {
        throw new GuardError(`sentinel ${sentinel} is missing; refusing to sync`);
      }
    }
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

export interface PlannedDeletes {
  files: number;
  bytes: number;
  /** Files in the destination (what a percentage is of). */
  destinationFiles: number;
  examples: string[];
}

/** The first limit of max_delete that the planned deletions break, as a sentence; undefined if none. */
export function deleteLimitBroken(limits: readonly DeleteLimit[], plan: PlannedDeletes): string | undefined {
  for (const limit of limits) {
    if (limit.kind === 'count' && plan.files > limit.value) return `${plan.files} files (max_delete ${limit.value})`;
    if (limit.kind === 'bytes' && plan.bytes > limit.value) return `${plan.bytes} bytes (max_delete ${limit.value} bytes)`;
    if (limit.kind === 'percent' && plan.files > 0) {
      const percent = (100 * plan.files) / Math.max(plan.destinationFiles, 1);
      if (percent > limit.value) return `${plan.files} of ${plan.destinationFiles} files, ${percent.toFixed(1)}% (max_delete ${limit.value}%)`;
    }
  }
  return undefined;
}
