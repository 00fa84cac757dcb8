import { DuTree, parseRcloneLsLine, writeDuReport } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { runRcloneJson } from './context.js';
import { sourceListingArgs } from './rclone-args.js';

export interface AuditOptions {
  copyLinks: boolean;
  maxAge: string | undefined;
  json: boolean;
  /** -h: sizes like du -h. */
  human?: boolean;
}

/**
 * The rules of an audit listing: [test-filters] name what has been reviewed and should no
 * longer show up (the original's convention: `+ /videos/**` there hides the videos), so
 * each becomes an exclusion placed before the backup's own filters.
 */
export function auditRules(config: BackupConfig): string[] {
  return config.testFilters.map((rule) => `- ${rule.slice(2)}`);
}

/**
 * `--audit`: `rclone ls SOURCE` with filters + test-filters, aggregated in-process by the
 * core du tree and printed as tar-ls-du prints it (SIZE<TAB>PATH, largest first).
 */
export async function runAudit(config: BackupConfig, ctx: BackupContext, options: AuditOptions): Promise<void> {
  const tree = new DuTree();
  const args = sourceListingArgs(config, ['ls'], { copyLinks: options.copyLinks, extraRules: auditRules(config), ...(options.maxAge ? { maxAge: options.maxAge } : {}) });
  await runRcloneJson(ctx, args, {
    onStdoutLine: (line) => {
      const entry = parseRcloneLsLine(line);
      if (entry) tree.add(entry.path, entry.size);
    },
  });
  await writeDuReport(tree, ctx.io.stdout, { format: options.json ? 'json' : 'text', human: options.human ?? false });
}
