import type { Writable } from 'node:stream';
import { EncodedLines, escapeName, formatIecSize, jsonPlanWriter, type B2Usage } from '@rclone-b2/core';

const DONE = Promise.resolve();

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
  /** File versions chosen. */
  files: number;
  /** Deletion marks chosen (--all). */
  deletions: number;
  /** Files written (not deletion marks). */
  restored: number;
  /** Deletion marks written. */
  marked: number;
  /** Of restored and marked, how many replaced a different file already in TARGET. */
  replaced: number;
  /** Files and marks already complete (each counted once). */
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
  /** Writes out what plan() may still hold back (called when the plan ends, also on failure). */
  flush(): Promise<void>;
  finish(summary: RestoreSummary): Promise<void>;
}

/**
 * `would restore PATH (SIZE) to LOCAL`, both `ls -b` escaped; the summary is the stderr notice.
 * Lines go out in ~64 KiB chunks: a plan of --all over millions of versions spent more time
 * in one write per line than in making the lines.
 */
export function textReport(out: Writable): RestoreReport {
  const writer = new EncodedLines(out);
  // --all plans every version of a file in a row: its escaped path is made once.
  let lastPath: string | undefined;
  let shown = '';
  return {
    plan: ({ path, kind, size, to }) => {
      if (path !== lastPath) {
        lastPath = path;
        shown = escapeName(path);
      }
      return writer.write(`would restore ${shown} (${kind === 'file' ? formatIecSize(size ?? 0) : 'deletion → /dev/null'}) to ${escapeName(to)}\n`) ?? DONE;
    },
    flush: () => writer.flush(),
    finish: () => writer.flush(),
  };
}

/** One JSON document; names exact (JSON escapes, not `ls -b`). */
export function jsonReport(out: Writable, dryRun: boolean): RestoreReport {
  const writer = jsonPlanWriter(out, dryRun);
  return {
    plan: (entry) => writer.item(entry),
    flush: () => Promise.resolve(),
    finish: (summary) => writer.finish(summary),
  };
}
