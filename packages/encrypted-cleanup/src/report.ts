import type { Writable } from 'node:stream';
import type { CleanupStats } from './cleanup.js';
import { crashSafeOrder, escapeName, formatIecSize, jsonPlanWriter, writeWithBackpressure, type B2FileVersion, type B2Usage } from '@rclone-b2/core';

/** What a run did (or with --dry-run would do), for the JSON summary. */
export interface CleanupSummary extends CleanupStats {
  dryRun: boolean;
  unmatched: string[];
  undecryptable: number;
  /** The B2 calls the run made, by class and name, and the bytes up and down. */
  b2: B2Usage;
}

/** Where the plan and the summary go: text lines, or one JSON document (--json). */
export interface CleanupReport {
  /** The versions a dry run would delete, in deletion order. */
  plan(path: string, versions: readonly B2FileVersion[]): Promise<void>;
  finish(summary: CleanupSummary): Promise<void>;
}

export const describeVersion = (path: string, v: B2FileVersion): string =>
  `${escapeName(path)} (${v.action} of ${new Date(v.uploadTimestamp).toISOString()}, ${formatIecSize(v.contentLength)})`;

/** `would delete PATH (upload of TIME, SIZE)`, the path `ls -b` escaped; the summary is the stderr notice. */
export function textReport(out: Writable): CleanupReport {
  return {
    async plan(path, versions) {
      for (const v of crashSafeOrder(versions)) await writeWithBackpressure(out, `would delete ${describeVersion(path, v)}\n`);
    },
    async finish() {},
  };
}

/** One JSON document; names exact (JSON escapes, not `ls -b`). */
export function jsonReport(out: Writable, dryRun: boolean): CleanupReport {
  const writer = jsonPlanWriter(out, dryRun);
  return {
    async plan(path, versions) {
      for (const v of crashSafeOrder(versions)) {
        await writer.item({
          path,
          action: v.action,
          uploaded: new Date(v.uploadTimestamp).toISOString(),
          size: v.contentLength,
          fileName: v.fileName,
          fileId: v.fileId,
        });
      }
    },
    finish: (summary) => writer.finish(summary),
  };
}
