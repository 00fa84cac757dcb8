// b2-prune --dry-run --html in real Chromium, on a real rclone-crypt bucket with weeks of
// history in the B2 emulator: the page's totals and each file's verdicts equal the
// tool's own --json output; a hostile name stays text; no network; nothing deleted.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startEmulator, type Emulator } from 'b2-emulator';
import { writeRcloneTestConfig } from 'b2-emulator/test-helpers';
import { loadPrices } from '@rclone-b2/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotPath, type Browser } from './helpers/browser.js';

const bin = fileURLToPath(new URL('../packages/b2-prune/bin/b2-prune.js', import.meta.url));
const DAY = 86_400_000;
const HOSTILE = '<img src=x onerror=alert(1)>.txt';
let dir: string;
let emulator: Emulator;
let env: Record<string, string>;
let browser: Browser;

interface FileLine {
  type: 'file';
  path: string;
  versions: Array<{ verdict: string; size: number; action: string }>;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'html-prune-'));
  emulator = await startEmulator({});
  const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'conf'), bucket: 'prune-html', prefix: '' });
  env = { RCLONE_CONFIG: config.configPath, HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg') };
  const src = join(dir, 'src');
  await mkdir(join(src, 'docs'), { recursive: true });
  // Ten edits over 45 days: the default policy keeps some old versions and deletes others.
  for (let day = 0; day < 10; day += 1) {
    await writeFile(join(src, 'docs/report.txt'), `report, edit ${day}\n`.repeat(1000 + day));
    await writeFile(join(src, HOSTILE), `hostile ${day}\n`.repeat(200));
    if (day === 0) await writeFile(join(src, 'docs/gone.txt'), 'soon deleted\n'.repeat(500));
    if (day === 3) await rm(join(src, 'docs/gone.txt'));
    await execa('rclone', ['sync', src, 'secret:'], { env });
    emulator.clock.advance(day < 6 ? 2 * DAY : 8 * DAY);
  }
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('b2-prune --dry-run --html', () => {
  it('draws a timeline per file whose verdicts and totals equal the --json plan', async () => {
    const now = ['--now', new Date(emulator.clock.now()).toISOString()];
    const html = join(dir, 'plan.html');
    const json = await execa('node', [bin, '--dry-run', '-vv', '--json', '--html', html, ...now, 'secret:'], { env });
    const lines = json.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FileLine | { type: 'summary'; versionsDeleted: number; versionsKept: number; bytesFreed: number });
    const summary = lines.find((l) => l.type === 'summary');
    const files = lines.filter((l): l is FileLine => l.type === 'file');
    expect(summary && 'bytesFreed' in summary && summary.versionsDeleted).toBeGreaterThan(0);
    if (!summary || summary.type !== 'summary') throw new Error('no summary line');

    const opened = await browser.open(html);
    const { page } = opened;
    const cells = await page.$$eval('#totals tbody td[data-value]', (tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
    const totals = [cells.slice(0, 3), cells.slice(3, 6)];
    expect(totals[0]?.slice(0, 2)).toEqual([summary.versionsDeleted, summary.bytesFreed]);
    expect(totals[0]?.[2]).toBeCloseTo((summary.bytesFreed / 1e12) * (await loadPrices()).storage.pricePerTBMonth, 12);
    expect(totals[1]?.[0]).toBe(summary.versionsKept);

    for (const file of files) {
      const verdicts = await page.$$eval(`.file[data-path="${file.path.replace(/["\\]/g, '\\$&')}"] table.versions tbody tr`, (trs) =>
        trs.map((tr) => tr.getAttribute('data-verdict')),
      );
      expect(verdicts).toEqual(file.versions.map((v) => v.verdict));
      const marks = await page.$$eval(`.file[data-path="${file.path.replace(/["\\]/g, '\\$&')}"] .timeline .mark`, (ms) => ms.length);
      expect(marks).toBe(file.versions.length);
    }
    const deleteMarks = await page.$$eval('.timeline .mark.delete', (ms) => ms.length);
    expect(deleteMarks).toBe(summary.versionsDeleted);
    await page.hover('.timeline .mark.delete');
    expect(await page.textContent('#tip')).toMatch(/would delete: /);

    // The hostile name is a heading's text, not an element; no dialog, no request, no error.
    expect(await page.$$eval('.file h3', (hs) => hs.map((h) => h.textContent))).toContain(HOSTILE);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(opened.dialogs).toEqual([]);
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([]);
    await page.screenshot({ path: await screenshotPath('b2-prune.png'), fullPage: true });

    // A dry run deleted nothing: a second plan is the same.
    const again = await execa('node', [bin, '--dry-run', '--json', ...now, 'secret:'], { env });
    expect(JSON.parse(again.stdout.split('\n').filter(Boolean).at(-1) ?? '{}')).toMatchObject({ versionsDeleted: summary.versionsDeleted });
  });

  it('--explain PATH --html draws that one file', async () => {
    const html = join(dir, 'explain.html');
    await execa('node', [bin, '--explain', 'docs/report.txt', '--html', html, '--now', new Date(emulator.clock.now()).toISOString(), 'secret:'], { env });
    const opened = await browser.open(html);
    expect(await opened.page.$$eval('.file h3', (hs) => hs.map((h) => h.textContent))).toEqual(['docs/report.txt']);
    expect(await opened.page.$$eval('.timeline .mark', (ms) => ms.length)).toBe(10);
    expect(opened.errors).toEqual([]);
  });

  it('refuses --html without --dry-run or --explain (exit 2), before touching the bucket', async () => {
    const result = await execa('node', [bin, '--html', join(dir, 'x.html'), 'secret:'], { env, reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^b2-prune: --html draws the plan of a dry run/);
  });
});
