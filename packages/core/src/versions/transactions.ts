import type { TransactionCounts } from '../b2/types.js';

/** Transactions spent since `before` (a copy taken with `{ ...client.transactions }`). */
export function transactionsSince(before: TransactionCounts, after: TransactionCounts): TransactionCounts {
  return { A: after.A - before.A, B: after.B - before.B, C: after.C - before.C };
}
