import type { TransactionCounts } from '../b2/types.js';
import type { PriceModel } from './price-model.js';

const TB = 1e12;
const GB = 1e9;
/** Backblaze bills storage by the byte-hour; a month here is 30 days. */
export const DAYS_PER_MONTH = 30;

/**
 * Monthly storage cost of `bytes`, without the account's free allowance: what these bytes
 * add to the bill (per directory, per prune) once the free storage is used up.
 */
export function storageCostPerMonth(bytes: number, model: PriceModel): number {
  return (bytes / TB) * model.storage.pricePerTBMonth;
}

/** Monthly storage bill for a whole account storing `bytes` (the free allowance taken off). */
export function storageBillPerMonth(bytes: number, model: PriceModel): number {
  return storageCostPerMonth(Math.max(0, bytes - model.storage.freeBytes), model);
}

/** Bytes a month that may be downloaded free while `storedBytes` are stored. */
export function freeDownloadPerMonth(storedBytes: number, model: PriceModel): number {
  return storedBytes * model.download.freeStoredMultiple + model.download.freeBytesPerDay * DAYS_PER_MONTH;
}

/** Cost of downloading `bytesPerMonth` a month while `storedBytes` are stored. */
export function downloadCostPerMonth(bytesPerMonth: number, storedBytes: number, model: PriceModel): number {
  return (Math.max(0, bytesPerMonth - freeDownloadPerMonth(storedBytes, model)) / GB) * model.download.pricePerGB;
}

/**
 * Cost of the transactions of `days` days (counts are the total), the daily free calls
 * of each class taken off. With days = 1 it is the cost of one run that day, if nothing
 * else used the free calls.
 */
export function transactionCost(counts: TransactionCounts, model: PriceModel, days = 1): number {
  let total = 0;
  for (const c of ['A', 'B', 'C'] as const) {
    const { price, per, freePerDay } = model.transactions[c];
    total += (Math.max(0, counts[c] - freePerDay * days) / per) * price;
  }
  return total;
}

/** Cost of the transactions with no free calls left (what they add on a busy day). */
export function transactionCostAtMargin(counts: TransactionCounts, model: PriceModel): number {
  let total = 0;
  for (const c of ['A', 'B', 'C'] as const) total += (counts[c] / model.transactions[c].per) * model.transactions[c].price;
  return total;
}

/** `$1.23`, `$0.0042`, `$0.00`, `<$0.0001`: cents, or 2 significant digits below a cent. */
export function formatMoney(amount: number, currency: string): string {
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  if (amount === 0 || amount >= 0.01) return `${symbol}${amount.toFixed(2)}`;
  if (amount < 0.0001) return `<${symbol}0.0001`;
  return `${symbol}${Number(amount.toPrecision(2))}`;
}
