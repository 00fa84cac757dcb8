import type { Writable } from 'node:stream';
import { escapeName, formatMoney, formatSize, storageBillPerMonth, writeWithBackpressure, type PriceModel } from '@rclone-b2/core';
import { costRows, type CostRow } from './cost.js';
import type { DirUsage } from './dir-usage.js';

export interface CostReportOptions {
  json: boolean;
  human: boolean;
  depth?: number | undefined;
  top?: number | undefined;
}

/**
 * `encrypted-du --cost`: per directory, the monthly storage cost of its current versions
 * and of its old/deleted ones (TAB-separated, costliest first, a `total` line last), at
 * the prices of `model`; --json gives the same with bytes and the model's date and source.
 */
export async function writeCostReport(out: Writable, usage: DirUsage, model: PriceModel, options: CostReportOptions): Promise<void> {
  const { rows, total } = costRows(usage, model, options);
  const bill = storageBillPerMonth(total.current.bytes + total.old.bytes, model);
  if (options.json) {
    const prices = {
      provider: model.provider,
      effective: model.effective,
      currency: model.currency,
      pricePerTBMonth: model.storage.pricePerTBMonth,
      file: model.file,
      sources: model.sources,
    };
    await writeWithBackpressure(out, `${JSON.stringify({ command: 'cost', prices, directories: rows, total, billPerMonth: bill })}\n`);
    return;
  }
  const money = (x: number): string => formatMoney(x, model.currency);
  const size = (x: number): string => (options.human ? formatSize(x) : String(x));
  const line = (r: CostRow, path: string): string =>
    `${money(r.current.cost)}\t${money(r.old.cost)}\t${size(r.current.bytes)}\t${size(r.old.bytes)}\t${path}\n`;
  await writeWithBackpressure(out, 'current/month\told/month\tcurrent\told\tpath\n');
  for (const r of rows) await writeWithBackpressure(out, line(r, escapeName(r.path)));
  await writeWithBackpressure(out, line(total, 'total'));
}

/** The line saying which prices the figures use and what the bucket's storage bill is. */
export function pricesNote(usage: DirUsage, model: PriceModel): string {
  const all = usage.total();
  const bill = storageBillPerMonth(all.currentStored + all.oldStored, model);
  return `costs at ${model.provider} prices of ${model.effective} (${formatMoney(model.storage.pricePerTBMonth, model.currency)} per TB-month of stored, encrypted bytes; from ${model.file}); this listing's storage bill after the account's free ${model.storage.freeBytes / 1e9} GB: ${formatMoney(bill, model.currency)} a month`;
}
