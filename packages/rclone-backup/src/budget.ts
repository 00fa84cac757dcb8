/**
 * Splits the daily download budget across backups in proportion to their size (from the
 * previous run's state); backups of unknown size weigh as much as the average known one,
 * and with nothing known the split is even. Every backup gets at least 1% of an even
 * share, so a tiny backup is still verified a little every night.
 *
 * The original split 1 GB evenly ("B2 gives 1 GB of downloads free a day"). B2's price
 * model no longer has that rule (downloads are free up to 3× the bytes stored a month, see
 * core's price file), and under it every verified byte costs the same, so the budget is a
 * choice of time and bandwidth, not of a free allowance: weighting by size gives every
 * backup the same coverage cycle (nights to verify it all) instead of verifying a small
 * backup daily and a large one never. The run states the budget's cost under the model.
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
