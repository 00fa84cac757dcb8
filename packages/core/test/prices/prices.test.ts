import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_PRICES_FILE,
  downloadCostPerMonth,
  formatMoney,
  loadPrices,
  storageBillPerMonth,
  storageCostPerMonth,
  transactionCost,
} from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'prices-'));
const shipped = JSON.parse(readFileSync(DEFAULT_PRICES_FILE, 'utf8')) as Record<string, unknown>;

function writePrices(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('the price model', () => {
  it('ships dated B2 prices with their source', async () => {
    const model = await loadPrices();
    expect(model.effective).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(model.sources.join(' ')).toMatch(/backblaze\.com/);
    expect(model.file).toBe(DEFAULT_PRICES_FILE);
  });

  it('costs follow the file, not constants: doubling a price in an override doubles the cost', async () => {
    const base = await loadPrices();
    const doubled = await loadPrices(writePrices('double.json', { ...shipped, storage: { pricePerTBMonth: base.storage.pricePerTBMonth * 2, freeBytes: 0 } }));
    expect(storageCostPerMonth(5e11, doubled)).toBeCloseTo(2 * storageCostPerMonth(5e11, base), 12);
    expect(storageCostPerMonth(1e12, base)).toBe(base.storage.pricePerTBMonth);
  });

  it.each([
    ['the free storage comes off the bill', (m: Awaited<ReturnType<typeof loadPrices>>) => storageBillPerMonth(m.storage.freeBytes, m), 0],
    ['downloads within 3x the stored bytes are free', (m: Awaited<ReturnType<typeof loadPrices>>) => downloadCostPerMonth(3e12, 1e12, m), 0],
    [
      '1 GB beyond the free egress costs the GB price',
      (m: Awaited<ReturnType<typeof loadPrices>>) => downloadCostPerMonth(3e12 + 1e9, 1e12, m) - m.download.pricePerGB,
      0,
    ],
    ['2,500 class C calls a day are free', (m: Awaited<ReturnType<typeof loadPrices>>) => transactionCost({ A: 100, B: 0, C: 2500 }, m), 0],
    [
      '3,500 class C calls cost 1,000 of them',
      (m: Awaited<ReturnType<typeof loadPrices>>) => transactionCost({ A: 0, B: 0, C: 3500 }, m) - m.transactions.C.price,
      0,
    ],
  ])('%s', async (_name, cost, expected) => {
    expect(cost(await loadPrices())).toBeCloseTo(expected, 12);
  });

  it.each([
    ['missing.json', undefined, /cannot read the price file .*missing\.json/],
    ['broken.json', '{"provider": ', /not valid JSON/],
    ['negative.json', { ...shipped, storage: { pricePerTBMonth: -1, freeBytes: 0 } }, /storage\.pricePerTBMonth must be a number of at least 0/],
    ['undated.json', { ...shipped, effective: 'last year' }, /effective must be a date/],
  ])('--prices %s is a configuration error (exit 2) naming the problem', async (name, content, message) => {
    const file = content === undefined ? join(dir, name) : writePrices(name, content);
    const error = await loadPrices(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [1.234, '$1.23'],
    [0, '$0.00'],
    [0.0042, '$0.0042'],
    [0.00001, '<$0.0001'],
  ])('formatMoney(%s) = %s', (amount, text) => {
    expect(formatMoney(amount, 'USD')).toBe(text);
  });
});
