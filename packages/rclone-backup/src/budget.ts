/**
 * Splits the daily download budget across backups in proportion to their size (from the
 * previous run's state); backups of unknown size weigh as much as the average known one,
 * and with nothing known the split is even. Every backup gets at least 1% of an even
 * share, so a tiny backup is still verified a little every night.
 */
export function splitBudget(budget: number, sizes: ReadonlyArray<number | undefined>): number[] {
  if (sizes.length === 0) return [];
  const known = sizes.filter((s): s is number => s !== undefined && s > 0);
  const average = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const weights = sizes.map((s) => (s !== undefined && s > 0 ? s : average));
  const floor = budget / sizes.length / 100;
  const rest = budget - floor * sizes.length;
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => Math.floor(floor + (rest * w) / total));
}
