import type { TransactionClass } from '../b2/types.js';

/** One transaction class's price: `price` per `per` calls beyond `freePerDay` calls a day. */
export interface TransactionPrice {
  price: number;
  per: number;
  freePerDay: number;
}

/**
 * A provider's prices as of a date, read from a data file (packages/core/data/b2-prices.json
 * by default, `--prices FILE` to override), never from constants in code: prices change,
 * and a report must say which prices it used.
 */
export interface PriceModel {
  provider: string;
  /** The date these prices took effect (YYYY-MM-DD). */
  effective: string;
  currency: string;
  sources: string[];
  /** Storage: price per TB-month (decimal TB, 1e12 bytes); the first `freeBytes` are free account-wide. */
  storage: { pricePerTBMonth: number; freeBytes: number };
  /**
   * Downloads (egress) per GB (1e9 bytes) beyond what is free: `freeStoredMultiple` times the
   * average bytes stored in the month (B2 since 2023: 3) plus `freeBytesPerDay` a day (the old rule: 1 GB).
   */
  download: { pricePerGB: number; freeStoredMultiple: number; freeBytesPerDay: number };
  transactions: Record<TransactionClass, TransactionPrice>;
  /** Where the model was read from (the file path), for reports. */
  file: string;
}

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks a parsed price file; a problem is returned as one message naming the field. */
export function parsePriceModel(value: unknown, file: string): PriceModel | string {
  if (!isObject(value)) return 'not a JSON object';
  const text = (key: string): string | undefined => (typeof value[key] === 'string' ? (value[key] as string) : undefined);
  const section = (key: string): Json | undefined => (isObject(value[key]) ? value[key] : undefined);
  const amount = (obj: Json | undefined, key: string, where: string): number | string => {
    const x = obj?.[key];
    return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : `${where}.${key} must be a number of at least 0`;
  };
  const provider = text('provider');
  const effective = text('effective');
  const currency = text('currency');
  if (!provider || !currency) return 'provider and currency must be strings';
  if (!effective || !/^\d{4}-\d\d-\d\d$/.test(effective)) return 'effective must be a date YYYY-MM-DD';
  const sources = Array.isArray(value.sources) ? value.sources.filter((s): s is string => typeof s === 'string') : [];
  const storage = section('storage');
  const download = section('download');
  const transactions = section('transactions');
  const numbers = {
    pricePerTBMonth: amount(storage, 'pricePerTBMonth', 'storage'),
    freeBytes: amount(storage, 'freeBytes', 'storage'),
    pricePerGB: amount(download, 'pricePerGB', 'download'),
    freeStoredMultiple: amount(download, 'freeStoredMultiple', 'download'),
    freeBytesPerDay: amount(download, 'freeBytesPerDay', 'download'),
  };
  for (const x of Object.values(numbers)) if (typeof x === 'string') return x;
  const classes: Partial<Record<TransactionClass, TransactionPrice>> = {};
  for (const c of ['A', 'B', 'C'] as const) {
    const entry = isObject(transactions?.[c]) ? (transactions[c] as Json) : undefined;
    const price = amount(entry, 'price', `transactions.${c}`);
    const per = amount(entry, 'per', `transactions.${c}`);
    const freePerDay = amount(entry, 'freePerDay', `transactions.${c}`);
    for (const x of [price, per, freePerDay]) if (typeof x === 'string') return x;
    if (per === 0) return `transactions.${c}.per must be at least 1`;
    classes[c] = { price: price as number, per: per as number, freePerDay: freePerDay as number };
  }
  const n = numbers as Record<keyof typeof numbers, number>;
  return {
    provider,
    effective,
    currency,
    sources,
    storage: { pricePerTBMonth: n.pricePerTBMonth, freeBytes: n.freeBytes },
    download: { pricePerGB: n.pricePerGB, freeStoredMultiple: n.freeStoredMultiple, freeBytesPerDay: n.freeBytesPerDay },
    transactions: classes as Record<TransactionClass, TransactionPrice>,
    file,
  };
}
