import { formatMoney, storageCostPerMonth, type PriceModel } from '@rclone-b2/core';
import type { PruneSummary } from './report.js';

/** What the prune takes off the monthly storage bill: the freed (stored) bytes at the model's price. */
export interface PruneSaving {
  perMonth: number;
  currency: string;
  provider: string;
  effective: string;
}

export function savingOf(bytesFreed: number, model: PriceModel): PruneSaving {
  return { perMonth: storageCostPerMonth(bytesFreed, model), currency: model.currency, provider: model.provider, effective: model.effective };
}

/** `saves $0.07 a month (Backblaze B2 prices of 2023-10-03)`; a dry run "would save". */
export function savingLine(s: PruneSummary & { saving?: PruneSaving }): string | undefined {
  if (!s.saving) return undefined;
  const { perMonth, currency, provider, effective } = s.saving;
  return `${s.dryRun ? 'would save' : 'saves'} ${formatMoney(perMonth, currency)} a month of storage (${provider} prices of ${effective})`;
}
