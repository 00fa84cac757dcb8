// Contract between the B2 client (owned by the B2 work) and the tools that use it.
// Field names follow B2's JSON so values pass through unchanged.

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
