import type { TransactionClass, TransactionCounts } from './types.js';

/**
 * Backblaze's billing class of each native API call (reference sheet D15, from Backblaze's
 * transaction pricing page): A = uploads, deletes, hides, large-file steps (free);
 * B = downloads and get_file_info; C = authorize, listings, bucket and copy calls.
 */
export const TRANSACTION_CLASS: Readonly<Record<string, TransactionClass>> = {
  b2_cancel_large_file: 'A',
  b2_delete_bucket: 'A',
  b2_delete_file_version: 'A',
  b2_delete_key: 'A',
  b2_finish_large_file: 'A',
  b2_get_upload_part_url: 'A',
  b2_get_upload_url: 'A',
  b2_hide_file: 'A',
  b2_start_large_file: 'A',
  b2_update_file_legal_hold: 'A',
  b2_update_file_retention: 'A',
  b2_upload_file: 'A',
  b2_upload_part: 'A',
  b2_download_file_by_id: 'B',
  b2_download_file_by_name: 'B',
  b2_get_file_info: 'B',
  b2_authorize_account: 'C',
  b2_copy_file: 'C',
  b2_copy_part: 'C',
  b2_create_bucket: 'C',
  b2_create_key: 'C',
  b2_get_download_authorization: 'C',
  b2_list_buckets: 'C',
  b2_list_file_names: 'C',
  b2_list_file_versions: 'C',
  b2_list_keys: 'C',
  b2_list_parts: 'C',
  b2_list_unfinished_large_files: 'C',
  b2_update_bucket: 'C',
};

export function transactionClass(call: string): TransactionClass {
  return TRANSACTION_CLASS[call] ?? 'C';
}

export function emptyTransactionCounts(): TransactionCounts {
  return { A: 0, B: 0, C: 0 };
}

/** Transactions spent since `before` (a copy taken with `{ ...client.transactions }`). */
export function transactionsSince(before: TransactionCounts, after: TransactionCounts): TransactionCounts {
  return { A: after.A - before.A, B: after.B - before.B, C: after.C - before.C };
}

/**
 * Transactions one successful call is billed as. The list calls are billed per 1,000
 * entries returned (a call returning 10,000 names counts 10), at least 1.
 */
export function billedTransactions(call: string, entriesReturned?: number): number {
  if ((call === 'b2_list_file_names' || call === 'b2_list_file_versions') && entriesReturned !== undefined) {
    return Math.max(1, Math.ceil(entriesReturned / 1000));
  }
  return 1;
}

/** `A 12, B 3, C 40` — for tools' summaries. */
export function formatTransactions(counts: TransactionCounts): string {
  return `class A ${counts.A}, class B ${counts.B}, class C ${counts.C}`;
}
