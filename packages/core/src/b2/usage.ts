import { formatIecSize } from '../text/iec-size.js';
import { emptyTransactionCounts, formatTransactions, transactionClass } from './transactions.js';
import type { B2Api, TransactionCounts } from './types.js';

/**
 * What a tool's B2 calls used: transactions by billing class, calls by API name, bytes
 * uploaded and downloaded (payload bytes of uploads and downloads, not protocol overhead).
 * The shape every tool reports in --json and the nightly runner totals.
 */
export interface B2Usage {
  transactions: TransactionCounts;
  calls: Record<string, number>;
  bytesUp: number;
  bytesDown: number;
}

export function emptyUsage(): B2Usage {
  return { transactions: emptyTransactionCounts(), calls: {}, bytesUp: 0, bytesDown: 0 };
}

/** Counts `count` calls named `call` (billed as its class) into `usage`. */
export function countCall(usage: B2Usage, call: string, count = 1): void {
  usage.transactions[transactionClass(call)] += count;
  usage.calls[call] = (usage.calls[call] ?? 0) + count;
}

export function addUsage(total: B2Usage, more: B2Usage): B2Usage {
  const calls = { ...total.calls };
  for (const [call, n] of Object.entries(more.calls)) calls[call] = (calls[call] ?? 0) + n;
  return {
    transactions: {
      A: total.transactions.A + more.transactions.A,
      B: total.transactions.B + more.transactions.B,
      C: total.transactions.C + more.transactions.C,
    },
    calls,
    bytesUp: total.bytesUp + more.bytesUp,
    bytesDown: total.bytesDown + more.bytesDown,
  };
}

/** `B2 transactions: class A 3, class B 1, class C 5; 1.2 MiB up, 0 B down` — the -v line. */
export function formatUsage(usage: B2Usage): string {
  return `B2 transactions: ${formatTransactions(usage.transactions)}; ${formatIecSize(usage.bytesUp)} up, ${formatIecSize(usage.bytesDown)} down`;
}

/** A client's usage so far (a copy): what a tool reports in --json and at -v. */
export function usageOf(client: B2Api): B2Usage {
  return { transactions: { ...client.transactions }, calls: { ...(client.calls ?? {}) }, bytesUp: client.bytes?.up ?? 0, bytesDown: client.bytes?.down ?? 0 };
}
