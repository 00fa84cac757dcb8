// encrypted-du --html in real Chromium, on a real rclone-crypt bucket in the B2 emulator:
// tiles ∝ bytes, old-version bytes and totals equal the text inventories, no network.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startEmulator, type Emulator } from 'b2-emulator';
import { writeRcloneTestConfig } from 'b2-emulator/test-helpers';
import { loadPrices } from '@rclone-b2/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotPath, tiles, type Browser } from './helpers/browser.js';
import { parseDuText } from './helpers/du-text.js';

const bin = (tool: string) => fileURLToPath(new URL(`../packages/${tool}/bin/${tool}.js`, import.meta.url));
let dir: string;
let emulator: Emulator;
let env: Record<string, string>;
let browser: Browser;

const sizes: Record<string, number> = {
  'photos/2023/a.jpg': 400_000,
  'photos/2023/b.jpg': 300_000,
  'photos/2024/c.jpg': 250_000,
  'projects/site/index.html': 120_000,
  'projects/site/app.js': 90_000,
  'projects/old.tar': 160_000,
  'mail/inbox.mbox': 70_000,
  'notes.txt': 5_000,
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'html-edu-'));
  emulator = await startEmulator({});
  const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'conf'), bucket: 'html-bucket', prefix: '' });
  env = { RCLONE_CONFIG: config.configPath, HOME: dir };
  const src = join(dir, 'src');
  for (const [path, size] of Object.entries(sizes)) {
    await mkdir(dirname(join(src, path)), { recursive: true });
    await writeFile(join(src, path), Buffer.alloc(size, path.length));
  }
  await execa('rclone', ['sync', src, 'secret:'], { env });
  // A day later: a photo rewritten and the old project deleted leave old versions behind.
  emulator.clock.advance(86_400_000);
  await writeFile(join(src, 'photos/2023/a.jpg'), Buffer.alloc(410_000, 1));
  await rm(join(src, 'projects/old.tar'));
  await execa('rclone', ['sync', src, 'secret:'], { env });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});


describe('encrypted-du --html', () => {
  it('shows every version, the old-version share and the cost, equal to the text inventories', async () => {
    const html = join(dir, 'bucket.html');
    const all = parseDuText((await execa('node', [bin('encrypted-du'), '--html', html, 'secret:'], { env })).stdout);
    const old = parseDuText((await execa('node', [bin('encrypted-du'), '--no-all-output', '--deleted-output', '-', 'secret:'], { env })).stdout);
    expect(old.get('photos')).toBe(400_000);
    expect(old.get('projects')).toBe(160_000);
    const opened = await browser.open(html);
    const { page } = opened;
    const shown = await tiles(page);
    const dirs = shown.filter((t) => t.kind === 'dir');
    expect(dirs.map((t) => t.path).sort()).toEqual(['mail', 'photos', 'projects']);
    const total = [...shown].reduce((sum, t) => sum + t.bytes, 0);
    expect(Number(await page.getAttribute('#largest tfoot td[data-value]', 'data-value'))).toBe(total);
    const area = shown.reduce((sum, t) => sum + t.area, 0);
    for (const tile of shown) {
      expect(tile.bytes).toBe(all.get(tile.path));
      expect(Math.abs(tile.area / area / (tile.bytes / total) - 1)).toBeLessThan(0.01);
    }
    const paths = await page.$$eval('#largest tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-path') ?? ''));
    const rows = await Promise.all(
      paths.map(async (path) => ({
        path,
        values: await page.$$eval(`#largest tbody tr[data-path="${path}"] td[data-value]`, (tds) => tds.map((td) => Number(td.getAttribute('data-value')))),
      })),
    );
    for (const row of rows) {
      const [bytes, , oldBytes, cost] = row.values;
      expect(bytes).toBe(all.get(row.path));
      expect(oldBytes).toBe(old.get(row.path) ?? 0);
      expect(cost).toBeCloseTo(((bytes ?? 0) / 1e12) * (await loadPrices()).storage.pricePerTBMonth, 12);
    }
    await page.hover('#treemap g.tile[data-path="photos"] > rect');
    const tip = await page.textContent('#tip');
    expect(tip).toContain('old versions 391 KiB');
    expect(tip).toContain('per month');
    await page.click('#treemap g.tile[data-path="photos"] > rect');
    expect((await tiles(page)).map((t) => t.path).sort()).toEqual(['photos/2023', 'photos/2024']);
    await page.click('#crumbs button:first-child');
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([]);
    await page.screenshot({ path: await screenshotPath('encrypted-du.png') });
  });
});
