import { transactionClass, type TransactionCounts } from '@rclone-b2/core';

/** What the emulator served since a snapshot of its stats: calls by name and by billing class. */
export interface Served {
  calls: Record<string, number>;
  transactions: TransactionCounts;
}

/** The emulator's own count of the calls it served since `before` (a copy of its stats map). */
export function servedSince(stats: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): Served {
  const calls: Record<string, number> = {};
  const transactions: TransactionCounts = { A: 0, B: 0, C: 0 };
  for (const [call, n] of stats) {
    const more = n - (before.get(call) ?? 0);
    if (more <= 0) continue;
    calls[call] = more;
    transactions[transactionClass(call)] += more;
  }
  return { calls, transactions };
}
