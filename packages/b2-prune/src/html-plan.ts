import { versionedPath } from '@rclone-b2/core';
import type { PruneFile, PruneReportData } from '@rclone-b2/report';
import type { FileDecision } from './policy/decide.js';
import type { PolicyChoice } from './policy/index.js';

/** Files drawn on the page; the totals always count every file. */
const SHOWN_FILES = 1000;

/**
 * Collects a dry run's decisions for the HTML page: every file with a version to delete
 * first, then files that only keep old versions, at most SHOWN_FILES in all (a bucket of
 * millions would not open), and totals over every file.
 */
export class PrunePlan {
  private readonly pruned: PruneFile[] = [];
  private readonly keptOnly: PruneFile[] = [];
  private seen = 0;
  private readonly totals = { keepVersions: 0, keepBytes: 0, deleteVersions: 0, deleteBytes: 0 };

  add(path: string, choice: PolicyChoice, decision: FileDecision): void {
    this.seen += 1;
    let deletes = 0;
    for (const d of decision.decisions) {
      const bytes = d.version.action === 'upload' ? d.version.contentLength : 0;
      if (d.verdict === 'delete') {
        deletes += 1;
        this.totals.deleteVersions += 1;
        this.totals.deleteBytes += bytes;
      } else if (d.verdict === 'keep') {
        this.totals.keepVersions += 1;
        this.totals.keepBytes += bytes;
      }
    }
    const list = deletes > 0 ? this.pruned : decision.decisions.length > 1 ? this.keptOnly : undefined;
    if (list === undefined || list.length >= SHOWN_FILES) return;
    list.push({
      path,
      policy: `${choice.policy.name} = "${choice.policy.spec}"${choice.rule ? ` (path rule "${choice.rule.pattern}")` : ''}`,
      live: decision.live,
      versions: decision.decisions.map((d, i) => ({
        time: new Date(d.version.uploadTimestamp).toISOString(),
        bytes: d.version.contentLength,
        hide: d.version.action === 'hide',
        action: d.verdict,
        reason: d.reason,
        name: i === 0 && decision.live ? path : versionedPath(path, d.version.uploadTimestamp),
      })),
    });
  }

  /** `pricePerTBMonth`: storage price of the price model in use (--prices). */
  data(title: string, now: number, pricePerTBMonth: number): PruneReportData {
    const files = [...this.pruned, ...this.keptOnly].slice(0, SHOWN_FILES);
    return {
      kind: 'prune',
      tool: 'b2-prune',
      title,
      generated: new Date().toISOString(),
      now: new Date(now).toISOString(),
      files,
      filesNotShown: this.seen - files.length,
      totals: { ...this.totals },
      pricePerTBMonth,
    };
  }
}
