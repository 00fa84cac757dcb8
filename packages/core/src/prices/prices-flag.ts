import { stringFlag } from '../cli/arguments.js';

/** `--prices FILE`: every tool that reports cost takes its prices from this file instead of the shipped one. */
export const PRICES_FLAG = {
  prices: stringFlag({ description: 'Price model JSON file for cost figures (default: the dated B2 prices shipped with the tools)' }),
} as const;
