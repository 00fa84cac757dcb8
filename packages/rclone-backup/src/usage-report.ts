import { formatUsage, type B2Usage } from '@rclone-b2/core';
import type { BackupContext } from './context.js';

/** At -v, the B2 transactions and bytes the command's rclone runs used (when it used B2 at all). */
export function reportUsage(ctx: BackupContext): void {
  const usage = ctx.meter?.usage;
  if (usage && Object.keys(usage.calls).length > 0) ctx.logger.info(formatUsage(usage));
}

/** A --json summary with `b2`: the calls by class and name and the bytes up and down (null when not metered). */
export function withUsage<T extends object>(summary: T, ctx: BackupContext): T & { b2: B2Usage | null } {
  return { ...summary, b2: ctx.meter?.usage ?? null };
}
