import type { Writable } from 'node:stream';
import { escapeName, formatIecSize, jsonPlanWriter, writeWithBackpressure, type B2Usage } from '@rclone-b2/core';

/** One entry of a dry run's plan. */
export interface PlannedRestore {
  /** The remote path as rclone lists it. */
  path: string;
  kind: 'file' | 'deletion';
  /** Plaintext size (files only). */
  size?: number;
  /** Where it would be written (absolute local path). */
  to: string;
}

/** What a run did (or with --dry-run would do), for the JSON summary. */
export interface RestoreSummary {
  dryRun: boolean;
  files: number;
  deletions: number;
  restored: number;
  skipped: number;
  failed: number;
  bytes: number;
  undecryptable: number;
  /** The B2 calls the run made, by class and name, and the bytes up and down. */
  b2: B2Usage;
}

/** Where the plan and the summary go: text lines, or one JSON document (--json). */
export interface RestoreReport {
  plan(entry: PlannedRestore): Promise<void>;
  finish(summary: RestoreSummary): Promise<void>;
}

/** `would restore PATH (SIZE) to LOCAL`, both `ls -b` escaped; the summary is the stderr notice. */
export function textReport(out: Writable): RestoreReport {
  return {
    plan: ({ path, kind, size, to }) =>
      writeWithBackpressure(
        out,
        `would restore ${escapeName(path)} (${kind === 'file' ? formatIecSize(size ?? 0) : 'deletion → /dev/null'}) to ${escapeName(to)}\n`,
      ),
    async finish() {},
  };
}

/** One JSON document; names exact (JSON escapes, not `ls -b`). */
export function jsonReport(out: Writable, dryRun: boolean): RestoreReport {
  const writer = jsonPlanWriter(out, dryRun);
  return {
    plan: (entry) => writer.item(entry),
    finish: (summary) => writer.finish(summary),
  };
}
