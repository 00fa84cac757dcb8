import { readFile } from 'node:fs/promises';
import { ConfigError } from '../cli/errors.js';
import { packageFile } from '../package-file.js';
import { reasonOf } from '../cli/system-errors.js';
import { parsePriceModel, type PriceModel } from './price-model.js';

/**
 * The price file shipped with core, found through the package (package-file.ts): from src/, dist/
 * and a tool's esbuild bundle alike (a path relative to this module breaks in a bundle).
 */
export const DEFAULT_PRICES_FILE = packageFile(import.meta.url, '@rclone-b2/core', 'data/b2-prices.json');

/**
 * Reads a price model: `file` (`--prices FILE`) or the shipped one. A missing, unreadable
 * or malformed file is a configuration error (exit 2) naming the file.
 */
export async function loadPrices(file: string = DEFAULT_PRICES_FILE): Promise<PriceModel> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`cannot read the price file ${file}: ${reasonOf(error)}`, undefined, { cause: error });
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`price file ${file} is not valid JSON: ${reasonOf(error)}`, undefined, { cause: error });
  }
  const model = parsePriceModel(value, file);
  if (typeof model === 'string') throw new ConfigError(`price file ${file}: ${model}`);
  return model;
}
