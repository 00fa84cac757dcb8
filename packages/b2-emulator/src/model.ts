// The data model shared by the store, the listings and the HTTP layer.

export type StoredAction = 'upload' | 'hide' | 'start';

/** One version of a file name, as B2 reports it (see the reference sheet, D3). */
export interface StoredVersion {
  fileId: string;
  bucketId: string;
  fileName: string;
  action: StoredAction;
  contentLength: number;
  contentSha1: string | null;
  contentType: string | null;
  fileInfo: Record<string, string>;
  uploadTimestamp: number;
  /** Creation order; ties on uploadTimestamp put the later one first. */
  seq: number;
  /** Object Lock retention of this version (absent: none). */
  retention?: FileRetention;
  /** Object Lock legal hold (absent: off). */
  legalHold?: 'on' | 'off';
}

export type RetentionMode = 'governance' | 'compliance';

export interface FileRetention {
  mode: RetentionMode;
  retainUntilTimestamp: number;
}

/** A bucket's default retention: applied to every upload. */
export interface DefaultRetention {
  mode: RetentionMode;
  period: { duration: number; unit: 'days' | 'years' };
}

export interface LifecycleRule {
  fileNamePrefix: string;
  daysFromUploadingToHiding: number | null;
  daysFromHidingToDeleting: number | null;
  daysFromStartingToCancelingUnfinishedLargeFiles?: number | null;
}

export interface StoredBucket {
  bucketId: string;
  bucketName: string;
  bucketType: string;
  bucketInfo: Record<string, string>;
  lifecycleRules: LifecycleRule[];
  revision: number;
  /** Object Lock enabled (b2_create_bucket / b2_update_bucket `fileLockEnabled`); it cannot be turned off. */
  fileLockEnabled?: boolean;
  defaultRetention?: DefaultRetention | null;
}

export interface StoredPart {
  partNumber: number;
  contentLength: number;
  contentSha1: string;
  uploadTimestamp: number;
}

/** Newest first: by uploadTimestamp descending, then creation order descending. */
export function versionOrder(a: Pick<StoredVersion, 'uploadTimestamp' | 'seq'>, b: Pick<StoredVersion, 'uploadTimestamp' | 'seq'>): number {
  return b.uploadTimestamp - a.uploadTimestamp || b.seq - a.seq;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A fileId in B2's style that also encodes (seq, uploadTimestamp), so paging works after a deletion. */
export function makeFileId(bucketId: string, seq: number, uploadTimestamp: number): string {
  const d = new Date(uploadTimestamp);
  const day = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `4_z${bucketId}_f${seq.toString(16).padStart(12, '0')}_d${day}_m${time}_c000_v0001000_t${uploadTimestamp}`;
}

export function parseFileId(fileId: string): { seq: number; uploadTimestamp: number } | undefined {
  const m = /_f([0-9a-f]+)_.*_t(-?\d+)$/.exec(fileId);
  if (!m?.[1] || !m[2]) return undefined;
  return { seq: Number.parseInt(m[1], 16), uploadTimestamp: Number(m[2]) };
}
