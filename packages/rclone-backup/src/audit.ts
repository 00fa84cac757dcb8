import { UsageError } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';

export interface AuditOptions {
  copyLinks: boolean;
  maxAge: string | undefined;
  json: boolean;
}

/** `--audit`: placeholder until the core du tree is available. */
export async function runAudit(_config: BackupConfig, _ctx: BackupContext, _options: AuditOptions): Promise<void> {
  throw new UsageError('--audit is not available yet');
}
