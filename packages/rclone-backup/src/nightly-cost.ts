import {
  DAYS_PER_MONTH,
  downloadCostPerMonth,
  formatIecSize,
  formatMoney,
  formatUsage,
  freeDownloadPerMonth,
  transactionCost,
  type B2Usage,
  type PriceModel,
} from '@rclone-b2/core';

/**
 * The verification budget in bytes and money: a night's budget downloaded every night of a
 * month, against the free download allowance the backups' size earns (B2: 3× stored).
 * `storedBytes` is what the backups held at their last verify (plaintext; crypt adds a
 * little), so the figure is an estimate, and says which prices it used.
 */
export function budgetLine(budget: number, storedBytes: number, model: PriceModel): string {
  const monthly = budget * DAYS_PER_MONTH;
  const free = freeDownloadPerMonth(storedBytes, model);
  const cost = downloadCostPerMonth(monthly, storedBytes, model);
  const within = cost === 0 ? 'within' : `${formatMoney(cost, model.currency)} a month beyond`;
  return `verification budget ${formatIecSize(budget)} a night (${formatIecSize(monthly)} a month): ${within} the free downloads of ${formatIecSize(free)} a month that ${formatIecSize(storedBytes)} stored earns (${model.provider} prices of ${model.effective})`;
}

/** The run's B2 transactions and bytes, and what the transactions cost on a day with no other use. */
export function usageLine(usage: B2Usage, model: PriceModel): string {
  return `${formatUsage(usage)}; transactions ${formatMoney(transactionCost(usage.transactions, model), model.currency)} (${model.provider} prices of ${model.effective})`;
}
