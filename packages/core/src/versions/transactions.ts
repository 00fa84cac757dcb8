import type { TransactionCounts } from '../b2/types.js';

/**
 * One line summarising the B2 transactions a run spent, by billing class, for a tool's
 * summary: `B2 transactions: 3 class A (free), 0 class B, 12 class C`. (The B2 client's
 * `formatTransactions` gives the bare `class A 3, class B 0, class C 12`.)
 */
export function describeTransactions(counts: TransactionCounts): string {
  return `B2 transactions: ${counts.A} class A (free), ${counts.B} class B, ${counts.C} class C`;
}

/** Transactions spent since `before` (a copy taken with `{ ...client.transactions }`). */
export function transactionsSince(before: TransactionCounts, after: TransactionCounts): TransactionCounts {
  return { A: after.A - before.A, B: after.B - before.B, C: after.C - before.C };
}
