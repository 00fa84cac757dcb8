import type { TransactionCounts } from '../b2/types.js';

/**
 * One line summarising the B2 transactions a run spent, by billing class:
 * `B2 transactions: 3 class A (free), 0 class B, 12 class C`.
 */
export function formatTransactions(counts: TransactionCounts): string {
  return `B2 transactions: ${counts.A} class A (free), ${counts.B} class B, ${counts.C} class C`;
}

/** Transactions spent since `before` (a copy taken with `{ ...client.transactions }`). */
export function transactionsSince(before: TransactionCounts, after: TransactionCounts): TransactionCounts {
  return { A: after.A - before.A, B: after.B - before.B, C: after.C - before.C };
}
