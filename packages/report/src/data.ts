/**
 * The data a report page embeds as JSON. Shared by the Node side (which builds and
 * escapes it) and the page code (which draws it), so both agree on one shape.
 * Keys of tree nodes are short: a 1M-file tree embeds thousands of them.
 */

/** One node of a du treemap. */
export interface DuNode {
  /** Name (one path component; the root's is ''). */
  n: string;
  /** Bytes below (or of) this path. */
  s: number;
  /** Files below (1 for a file). */
  f: number;
  /** Bytes held by old versions (encrypted-du only). */
  o?: number;
  /** 1 for a directory. */
  d?: 1;
  /** Children shown, largest first. */
  c?: DuNode[];
  /** The children too small to show, summed: bytes, files, old bytes, how many entries. */
  r?: { s: number; f: number; o?: number; k: number };
}

export interface DuTableRow {
  path: string;
  bytes: number;
  files: number;
  old?: number;
}

export interface DuReportData {
  kind: 'du';
  tool: string;
  title: string;
  /** ISO time the report was made. */
  generated: string;
  root: DuNode;
  /** Entries not drawn (none are larger than this many bytes) are summed per directory as "smaller items"; 0 when all are drawn. */
  threshold: number;
  /** What `f` counts: 'files', or 'versions' where every stored version is an entry. */
  countNoun: string;
  /** Whether old-version bytes are known (colour and hover show them). */
  hasOld: boolean;
  /** US dollars per TB (10^12 bytes) and month, when a monthly cost is shown. */
  pricePerTBMonth?: number;
  /** The largest directories, largest first (the table). */
  largest: DuTableRow[];
}

/** One version of a file in a prune plan. */
export interface PruneVersion {
  /** Upload time, ISO. */
  time: string;
  bytes: number;
  /** `hide`: a deletion marker. */
  hide: boolean;
  action: 'keep' | 'delete' | 'ignore';
  /** Why (the rule that kept or deleted it). */
  reason: string;
  /** The version's name as rclone shows old versions (NAME-vYYYY-MM-DD-HHMMSS-mmm.EXT). */
  name: string;
}

export interface PruneFile {
  path: string;
  policy: string;
  live: boolean;
  versions: PruneVersion[];
}

export interface PruneReportData {
  kind: 'prune';
  tool: string;
  title: string;
  generated: string;
  /** The time ages are measured from, ISO. */
  now: string;
  files: PruneFile[];
  /** Files not shown (only files with something deleted, or the first N, are listed). */
  filesNotShown: number;
  totals: { keepVersions: number; keepBytes: number; deleteVersions: number; deleteBytes: number };
  pricePerTBMonth: number;
}

export interface NightlyRun {
  /** Start time, ISO. */
  started: string;
  seconds: number;
  exitCode: number;
  /** Bytes the sync uploaded. */
  bytes: number;
  /** Bytes this run verified. */
  verifiedBytes: number;
  /** Share of the backup's bytes verified within the coverage window after this run (0..100). */
  coverage?: number;
  /** The first line of what went wrong. */
  error?: string;
}

export interface NightlyConfig {
  name: string;
  /** As `--status` judges it. */
  state: 'ok' | 'failing' | 'stale' | 'never-run';
  /** End of the last successful run, ISO. */
  lastSuccess?: string;
  missedRuns: number;
  consecutiveFailures: number;
  /** Runs recorded in all (only the newest are in `runs`). */
  totalRuns: number;
  /** The newest runs, newest first. */
  runs: NightlyRun[];
  /** The coverage window of the latest coverage, in days. */
  coverageWindowDays?: number;
}

export interface NightlyReportData {
  kind: 'nightly';
  tool: string;
  title: string;
  generated: string;
  /** A backup without a success for longer than this is stale. */
  maxAgeHours: number;
  configs: NightlyConfig[];
}

export type ReportData = DuReportData | PruneReportData | NightlyReportData;
