import type { Writable } from 'node:stream';
import { addUsage, emptyUsage } from '@rclone-b2/core';
import type { NightlyJobResult } from './nightly-job.js';

/**
 * --json for the nightly run: one document on stdout, a result per config (its exit
 * status and the sync and verify summaries it got to) and the totals.
 */
export function writeNightlyJson(out: Writable, run: { dryRun: boolean; exitCode: number; results: readonly NightlyJobResult[] }): void {
  const { results } = run;
  const totals = {
    backups: results.length,
    failed: results.filter((r) => r.exitCode !== 0).length,
    transferred: sum(results, (r) => r.sync?.files.transferred),
    deleted: sum(results, (r) => r.sync?.files.deleted),
    bytesTransferred: sum(results, (r) => r.sync?.bytes),
    verified: sum(results, (r) => r.verify?.checked.files),
    bytesVerified: sum(results, (r) => r.verify?.checked.bytes),
    verifyFailures: sum(results, (r) => r.verify?.failed),
    b2: results.reduce((total, r) => (r.usage ? addUsage(total, r.usage) : total), emptyUsage()),
  };
  out.write(`${JSON.stringify({ command: 'nightly', dryRun: run.dryRun, exitCode: run.exitCode, backups: results, totals })}\n`);
}

function sum(results: readonly NightlyJobResult[], value: (r: NightlyJobResult) => number | undefined): number {
  return results.reduce((total, r) => total + (value(r) ?? 0), 0);
}
