// rclone-backup-nightly --html in real Chromium: the status page of run histories written
// by the runner's own record writer; states equal --status --json, stale backups are
// highlighted, the coverage chart has a point per run that measured coverage.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRunRecord, RUN_RECORD_VERSION, type RunRecord } from '../packages/rclone-backup/src/run-history.js';
import { launchBrowser, screenshotPath, type Browser } from './helpers/browser.js';

const bin = fileURLToPath(new URL('../packages/rclone-backup/bin/rclone-backup-nightly.js', import.meta.url));
const HOUR = 3_600_000;
const HOSTILE = '<img src=x onerror=alert(1)>';
let dir: string;
let browser: Browser;

function record(config: string, endedHoursAgo: number, exitCode: number, coverage: number | null): RunRecord {
  const end = Date.now() - endedHoursAgo * HOUR;
  return {
    v: RUN_RECORD_VERSION,
    config,
    start: new Date(end - 600_000).toISOString(),
    end: new Date(end).toISOString(),
    durationMs: 600_000 - endedHoursAgo * 1000,
    exitCode,
    dryRun: false,
    transferred: { files: 10, bytes: 1_000_000 + endedHoursAgo * 1000 },
    deleted: { files: 0, bytes: null },
    verified: { files: 3, bytes: 300_000 },
    coverage: coverage === null ? null : { windowMs: 30 * 24 * HOUR, filesPercent: coverage, bytesPercent: coverage, totalFiles: 100, totalBytes: 10_000_000 },
    transactions: null,
    error: exitCode === 0 ? null : 'rclone-backup: rclone sync failed (exit status 1)',
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'html-nightly-'));
  await mkdir(join(dir, 'configs'));
  await mkdir(join(dir, 'state'));
  for (const name of ['photos', 'mail', 'old-nas', 'new', HOSTILE]) {
    await writeFile(join(dir, 'configs', `${name}.conf`), `[default]\nsource = ${dir}/src\ndestination = ${dir}/dst\n`);
  }
  // Fourteen nights of photos, coverage rising; mail failed last night; old-nas stopped 5 days ago.
  for (let night = 14; night >= 1; night -= 1) await appendRunRecord(join(dir, 'state'), record('photos', night * 24 - 20, 0, Math.min(100, (15 - night) * 7)));
  for (let night = 3; night >= 1; night -= 1) await appendRunRecord(join(dir, 'state'), record('mail', night * 24 - 20, night === 1 ? 1 : 0, 40 + night));
  await appendRunRecord(join(dir, 'state'), record('old-nas', 5 * 24, 0, 90));
  await appendRunRecord(join(dir, 'state'), record(HOSTILE, 2, 0, null));
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('rclone-backup-nightly --html', () => {
  it('shows every backup as --status judges it, stale highlighted, with a coverage chart', async () => {
    const html = join(dir, 'status.html');
    const args = ['--config-dir', join(dir, 'configs'), '--state-dir', join(dir, 'state')];
    const status = await execa('node', [bin, ...args, '--status', '--json', '--html', html], { reject: false });
    expect(status.exitCode).toBe(1); // old-nas and new are stale
    const json = JSON.parse(status.stdout) as { backups: Array<{ config: string; state: string }> };
    const opened = await browser.open(html);
    const { page } = opened;
    const rows = await page.$$eval('#status tbody tr', (trs) =>
      trs.map((tr) => ({
        config: tr.getAttribute('data-config'),
        state: tr.getAttribute('data-state'),
        stale: tr.classList.contains('stale'),
        name: tr.querySelector('td')?.textContent,
      })),
    );
    expect(rows.map(({ config, state }) => ({ config, state }))).toEqual(json.backups.map(({ config, state }) => ({ config, state })));
    for (const row of rows) {
      expect(row.stale).toBe(row.state === 'stale' || row.state === 'never-run');
      expect(row.name).toBe(row.config);
    }
    expect(
      rows
        .filter((r) => r.stale)
        .map((r) => r.config)
        .sort(),
    ).toEqual(['new', 'old-nas']);
    expect(await page.$$eval('#status tr[data-config="photos"] .spark .point', (ps) => ps.length)).toBe(14);
    expect(await page.$$eval('#status tr[data-config="mail"] .spark .point', (ps) => ps.length)).toBe(3);
    expect(await page.getAttribute('#status tr[data-config="photos"] td:nth-child(9)', 'data-value')).toBe('98');
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(opened.dialogs).toEqual([]);
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([]);
    await page.click('details summary');
    await page.screenshot({ path: await screenshotPath('rclone-backup-nightly.png'), fullPage: true });
  });

  it('--html - is a usage error (exit 2)', async () => {
    const result = await execa('node', [bin, '--config-dir', join(dir, 'configs'), '--status', '--html', '-'], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^rclone-backup-nightly: --html needs a FILE/);
  });
});
