import { escapeName, formatIecSize, formatSize, formatTransactions, type TransactionCounts } from '@rclone-b2/core';
import { savingLine, type PruneSaving } from './cost.js';
import { formatAge, type FileDecision, type VersionDecision } from './policy/decide.js';
import type { PolicyChoice } from './policy/index.js';
import { expandAges } from './policy/index.js';

/** Totals of one run, printed at the end (text or --json). */
export interface PruneSummary {
  dryRun: boolean;
  filesSeen: number;
  /** Files with at least one version to delete. */
  filesPruned: number;
  versionsSeen: number;
  versionsKept: number;
  /** Deleted (or, with --dry-run, to be deleted). */
  versionsDeleted: number;
  hidesDeleted: number;
  bytesFreed: number;
  /** Deletions (and cancels of unfinished large files) not done, or not confirmed done. */
  failures: number;
  /** Of `failures`, deletions B2 never answered for good (network error, 5xx after retries): they may have happened. */
  unconfirmed: number;
  undecryptableNames: number;
  unfinishedLargeFilesCancelled: number;
  /** Versions the policy would delete that Object Lock (retention, legal hold) keeps; left alone. */
  versionsLocked: number;
  /** Bucket lifecycle rules that will delete or hide what the policies keep (also warned on stderr). */
  lifecycleWarnings: string[];
  /** With --max-files: the path to pass to --start-at to continue. */
  resumeAt?: string;
  transactions: TransactionCounts;
  /** The freed bytes' monthly storage cost (see cost.ts). */
  saving?: PruneSaving;
}

export function emptySummary(dryRun: boolean): PruneSummary {
  return {
    dryRun,
    filesSeen: 0,
    filesPruned: 0,
    versionsSeen: 0,
    versionsKept: 0,
    versionsDeleted: 0,
    hidesDeleted: 0,
    bytesFreed: 0,
    failures: 0,
    unconfirmed: 0,
    undecryptableNames: 0,
    unfinishedLargeFilesCancelled: 0,
    versionsLocked: 0,
    lifecycleWarnings: [],
    transactions: { A: 0, B: 0, C: 0 },
  };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function policyLabel(choice: PolicyChoice): string {
  const rule = choice.rule ? `path rule "${choice.rule.pattern}" at ${choice.rule.where}` : 'no path rule matched';
  return `policy ${choice.policy.name} = "${choice.policy.spec}" (${rule})`;
}

function versionLine(d: VersionDecision, dryRun: boolean, human: boolean): string {
  const verdict = d.verdict === 'delete' ? (dryRun ? 'would delete' : 'delete') : d.verdict;
  const size = d.version.action !== 'upload' ? '-' : human ? formatSize(d.version.contentLength) : String(d.version.contentLength);
  const age = d.ageMs === undefined ? 'current' : `age ${formatAge(d.ageMs)}`;
  return `  ${iso(d.version.uploadTimestamp)}  ${d.version.action.padEnd(6)} ${size.padStart(6)}  ${age.padEnd(12)}  ${verdict.padEnd(12)}  ${d.reason}\n`;
}

/**
 * -v: one header per file and one line per version with its verdict and reason. The path
 * is `ls -b` escaped (control characters, backslashes, invalid UTF-8) so it stays one line;
 * --json keeps it exact. Sizes are bytes, or with `human` (-h) as du -h prints them.
 */
export function formatFileText(path: string, choice: PolicyChoice, decision: FileDecision, dryRun: boolean, human = false): string {
  const deletes = decision.decisions.filter((d) => d.verdict === 'delete').length;
  const state = decision.live ? 'live' : 'deleted';
  let text = `${escapeName(path)}: ${state}, ${decision.decisions.length} versions, ${deletes} to delete; ${policyLabel(choice)}\n`;
  for (const d of decision.decisions) text += versionLine(d, dryRun, human);
  return text;
}

/** --explain: like -v, plus the policy's expanded ages for this file. */
export function formatExplainText(path: string, fileName: string, choice: PolicyChoice, decision: FileDecision, dryRun: boolean, human = false): string {
  const oldest = Math.max(0, ...decision.decisions.map((d) => d.ageMs ?? 0));
  const ages = expandAges(choice.policy, oldest)
    .map((a) => `${a.days}${a.liveOnly ? '?' : ''}`)
    .join(', ');
  return (
    `${formatFileText(path, choice, decision, dryRun, human)}` +
    `  B2 name: ${fileName}\n` +
    `  windows (days; "?" = only while live): ${ages || '(none: no old version is kept by age)'}\n` +
    (choice.policy.last > 0 ? `  last=${choice.policy.last}: the ${choice.policy.last} newest old versions are kept\n` : '')
  );
}

export function fileJson(path: string, fileName: string, choice: PolicyChoice, decision: FileDecision): Record<string, unknown> {
  return {
    path,
    fileName,
    policy: choice.policy.name,
    rule: choice.rule ? { pattern: choice.rule.pattern, where: choice.rule.where } : null,
    live: decision.live,
    versions: decision.decisions.map((d) => ({
      fileId: d.version.fileId,
      action: d.version.action,
      uploadTimestamp: iso(d.version.uploadTimestamp),
      size: d.version.contentLength,
      supersededAt: d.supersededAt === undefined ? null : iso(d.supersededAt),
      verdict: d.verdict,
      rule: d.rule,
      reason: d.reason,
    })),
  };
}

export function formatSummaryText(s: PruneSummary): string {
  const verb = s.dryRun ? 'would delete' : 'deleted';
  const lines = [
    `${s.dryRun ? 'Dry run: ' : ''}${s.filesSeen} files, ${s.versionsSeen} versions seen; ${s.versionsKept} kept, ` +
      `${s.versionsDeleted} ${verb} (${s.hidesDeleted} hide markers) in ${s.filesPruned} files, ${formatIecSize(s.bytesFreed)} freed` +
      `${s.dryRun ? ' (if run)' : ''}`,
  ];
  if (s.unfinishedLargeFilesCancelled > 0) {
    lines.push(`${s.unfinishedLargeFilesCancelled} unfinished large files older than a day ${s.dryRun ? 'would be cancelled' : 'cancelled'}`);
  }
  if (s.versionsLocked > 0) lines.push(`${s.versionsLocked} versions the policy would delete are under Object Lock (retention or legal hold) and were kept (-v lists them)`);
  const failed = s.failures - s.unconfirmed;
  if (failed > 0) lines.push(`${failed} deletions failed (the versions remain; run again)`);
  if (s.unconfirmed > 0) lines.push(`${s.unconfirmed} deletions could not be confirmed (B2 gave no final answer, so they may or may not have happened; run again to finish)`);
  if (s.undecryptableNames > 0) lines.push(`${s.undecryptableNames} names could not be decrypted and were left alone`);
  if (s.resumeAt !== undefined) lines.push(`stopped at --max-files; continue with --start-at ${JSON.stringify(s.resumeAt)}`);
  const saving = savingLine(s);
  if (saving) lines.push(saving);
  lines.push(`B2 transactions: ${formatTransactions(s.transactions)}`);
  return `${lines.join('\n')}\n`;
}
