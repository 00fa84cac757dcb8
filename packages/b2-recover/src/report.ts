import type { Writable } from 'node:stream';
import { escapeName, jsonPlanWriter, writeWithBackpressure, type B2FileVersion, type B2Usage } from '@rclone-b2/core';

/** What a run did (or with --dry-run would do), for the JSON summary. */
export interface RecoverSummary {
  dryRun: boolean;
  files: number;
  hidden: number;
  recovered: number;
  leftHidden: number;
  failed: number;
  undecryptable: number;
  /** The B2 calls the run made, by class and name, and the bytes up and down. */
  b2: B2Usage;
}

/** Where the plan and the summary go: text lines, or one JSON document (--json). */
export interface RecoverReport {
  /** A file a dry run would undelete, with the hide markers it would delete. */
  plan(path: string, hides: readonly B2FileVersion[]): Promise<void>;
  finish(summary: RecoverSummary): Promise<void>;
}

/** `would undelete PATH`, `ls -b` escaped; the summary is the stderr notice. */
export function textReport(out: Writable): RecoverReport {
  return {
    plan: (path) => writeWithBackpressure(out, `would undelete ${escapeName(path)}\n`),
    async finish() {},
  };
}

/** One JSON document; paths exact (JSON escapes, not `ls -b`). */
export function jsonReport(out: Writable, dryRun: boolean): RecoverReport {
  const writer = jsonPlanWriter(out, dryRun);
  return {
    plan: (path, hides) =>
      writer.item({ path, hideMarkers: hides.map((v) => ({ fileName: v.fileName, fileId: v.fileId, hidden: new Date(v.uploadTimestamp).toISOString() })) }),
    finish: (summary) => writer.finish(summary),
  };
}
