// Real headless Chromium (Debian's package, installed by scripts/setup.sh) driven by
// playwright-core. The flags keep it off the network it would otherwise call home on.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  /** Opens a report file in a new page, recording what a user would not want to see. */
  open(file: string, options?: { dark?: boolean; width?: number; height?: number }): Promise<OpenedReport>;
  close(): Promise<void>;
}

export interface OpenedReport {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every request other than the report file itself. */
  requests: string[];
  /** alert/confirm/prompt dialogs (a script that should not have run). */
  dialogs: string[];
  /** Milliseconds from navigation to the page's load event (wall time: the machine's other load adds to it). */
  loadMs: number;
  /** CPU milliseconds the page's main thread spent until its load event (what the page itself costs). */
  cpuMs: number;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  return {
    async open(file, options = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width: options.width ?? 1400, height: options.height ?? 900 });
      await page.emulateMedia({ colorScheme: options.dark ? 'dark' : 'light' });
      const opened: OpenedReport = { page, errors: [], requests: [], dialogs: [], loadMs: 0, cpuMs: 0 };
      // Chromium's own accounting, in thread CPU time: a busy machine cannot inflate it.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      const url = pathToFileURL(file).href;
      page.on('console', (message) => {
        if (message.type() === 'error') opened.errors.push(message.text());
      });
      page.on('pageerror', (error) => opened.errors.push(String(error)));
      page.on('request', (request) => {
        if (request.url() !== url) opened.requests.push(request.url());
      });
      page.on('dialog', (dialog) => {
        opened.dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const started = Date.now();
      await page.goto(url, { waitUntil: 'load' });
      opened.loadMs = Date.now() - started;
      const { metrics } = await cdp.send('Performance.getMetrics');
      opened.cpuMs = (metrics.find((m) => m.name === 'ThreadTime')?.value ?? Number.NaN) * 1000;
      return opened;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Where the report screenshots go: docs/img (the README shows them) with UPDATE_SCREENSHOTS=1, else a temp dir. */
export async function screenshotPath(name: string): Promise<string> {
  // The README's pictures are refreshed on request (UPDATE_SCREENSHOTS=1); a plain test run
  // takes them into a temp dir and leaves the checkout as it was.
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/img/', import.meta.url)) : join(tmpdir(), 'rclone-b2-screenshots');
  await mkdir(dir, { recursive: true });
  return join(dir, name);
}

/** The tiles of the treemap now shown: path, kind, bytes and drawn area. */
export async function tiles(page: Page): Promise<Array<{ path: string; kind: string; bytes: number; area: number }>> {
  return page.$$eval('#treemap g.tile', (groups) =>
    groups.map((g) => {
      const rect = g.querySelector('rect');
      const area = Number(rect?.getAttribute('width')) * Number(rect?.getAttribute('height'));
      return { path: g.getAttribute('data-path') ?? '', kind: g.getAttribute('data-kind') ?? '', bytes: Number(g.getAttribute('data-bytes')), area };
    }),
  );
}
