// Contract between the B2 client (owned by the B2 work) and the tools that use it.
// Field names follow B2's JSON so values pass through unchanged.
import type { Readable } from 'node:stream';

export type B2Action = 'upload' | 'hide' | 'start' | 'folder';

/** One entry of b2_list_file_versions / b2_list_file_names. */
export interface B2FileVersion {
  fileId: string;
  fileName: string;
  action: B2Action;
  /** Bytes stored (for crypt objects: the encrypted size). 0 for hide markers. */
  contentLength: number;
  contentSha1: string | null;
  contentType: string | null;
  /** Milliseconds since the epoch (B2's uploadTimestamp). */
  uploadTimestamp: number;
  fileInfo: Record<string, string>;
  /** Object Lock retention, when the bucket has Object Lock and the key may read it. */
  fileRetention?: { mode: 'governance' | 'compliance'; retainUntilTimestamp: number };
  /** Object Lock legal hold. */
  legalHold?: 'on' | 'off';
}

/** One listing call's answer: its entries and where the next call starts (absent at the end). */
export interface B2VersionPage {
  files: B2FileVersion[];
  nextFileName?: string;
  nextFileId?: string;
}

/** One uploaded part of an unfinished large file (b2_list_parts). */
export interface B2Part {
  partNumber: number;
  contentLength: number;
}

/** Backblaze's billing classes: A free (uploads, deletes), B downloads/gets, C lists/auth. */
export type TransactionClass = 'A' | 'B' | 'C';

export interface TransactionCounts {
  A: number;
  B: number;
  C: number;
}

export interface ListVersionsOptions {
  prefix?: string;
  startFileName?: string;
  startFileId?: string;
  /** Names per call, at most 10,000 (B2's limit). */
  pageSize?: number;
  delimiter?: string;
  signal?: AbortSignal;
}

/** A bucket lifecycle rule as B2 returns it (reference sheet D14). */
export interface B2LifecycleRule {
  fileNamePrefix: string;
  daysFromUploadingToHiding?: number | null;
  daysFromHidingToDeleting?: number | null;
  daysFromStartingToCancelingUnfinishedLargeFiles?: number | null;
}

export interface B2Bucket {
  bucketId: string;
  bucketName: string;
  bucketType: string;
  /** Present when the client read the bucket from b2_list_buckets. */
  lifecycleRules?: B2LifecycleRule[];
}

export interface B2Download {
  /** The bytes; errors at the end if B2's SHA-1 does not match what arrived. */
  stream: Readable;
  contentLength: number;
  contentSha1: string | null;
  fileName: string;
  fileInfo: Record<string, string>;
  uploadTimestamp: number;
}

/**
 * What the tools need of B2. The real client implements it; unit tests may fake it.
 * Every method counts its transactions in `transactions`.
 */
export interface B2Api {
  readonly transactions: TransactionCounts;
  /** Successful calls by name and payload bytes up/down, where the client counts them (B2Client does). */
  readonly calls?: Record<string, number>;
  readonly bytes?: { up: number; down: number };
  getBucket(bucketName: string): Promise<B2Bucket>;
  /** All versions, by name then newest first, fetched page by page. */
  listFileVersions(bucketId: string, options?: ListVersionsOptions): AsyncGenerator<B2FileVersion>;
  listFileNames(bucketId: string, options?: ListVersionsOptions): AsyncGenerator<B2FileVersion>;
  /** One b2_list_file_versions page with its cursor; lets a lister run several cursors at once (optional: fakes may omit it). */
  listFileVersionsPage?(bucketId: string, options?: ListVersionsOptions): Promise<B2VersionPage>;
  /** Parts of an unfinished large file (optional: fakes may omit it). */
  listParts?(fileId: string, options?: { signal?: AbortSignal }): AsyncGenerator<B2Part>;
  hideFile(bucketId: string, fileName: string): Promise<B2FileVersion>;
  deleteFileVersion(fileName: string, fileId: string, options?: { signal?: AbortSignal }): Promise<void>;
  getFileInfo(fileId: string): Promise<B2FileVersion>;
  downloadFileById(fileId: string, options?: { signal?: AbortSignal; range?: { start: number; end: number } }): Promise<B2Download>;
  listUnfinishedLargeFiles(bucketId: string, options?: { namePrefix?: string }): AsyncGenerator<B2FileVersion>;
  cancelLargeFile(fileId: string): Promise<void>;
}
