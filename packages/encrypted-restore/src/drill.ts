// Restore drills: prove that a restore works before it is needed. A sample of the current
// files (chosen like rclone-backup's verification: never or least recently drilled first,
// then at random, within a file count and/or byte budget) is restored into a temporary
// directory with the same checks as a real restore (B2's SHA-1, every crypt block's MAC),
// compared with the source when one is given, timed, and removed. The ledger remembers
// when each file was last drilled, so successive drills cover the whole backup.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  fsPath,
  ledgerLine,
  listCryptFiles,
  localPathOf,
  parseLedgerLine,
  SampleSelector,
  verifiedSince,
  writeFileAtomically,
  type CryptBucket,
  type CryptFileHistory,
  type LedgerEntry,
  type Logger,
} from '@rclone-b2/core';
import { restore, type RestoreOptions } from './restore.js';
import { selectVersions } from './select.js';
import type { RestoreReport } from './report.js';

/** A drill never plans (it is never a dry run): its report is silent. */
const SILENT: RestoreReport = { plan: async () => undefined, flush: async () => undefined, finish: async () => undefined };

export interface DrillOptions {
  bucket: CryptBucket;
  /** Path inside the crypt remote ('' = all of it). */
  path: string;
  /** At most this many files … */
  files?: number;
  /** … and/or about this many (plaintext) bytes. */
  bytes?: number;
  /** Compare restored files with this directory (the backup's source); else B2's SHA-1 and the crypt MACs are the check. */
  source?: string;
  /** The drill ledger (created if missing). */
  ledger: string;
  /** Where the temporary restore goes (default: the system's temp directory). */
  tempDir?: string;
  now: number;
  random: () => number;
  /** Wall clock for the throughput measurement. */
  clock: () => number;
  restore: Omit<RestoreOptions, 'mode' | 'target' | 'dryRun' | 'report' | 'logger' | 'client'>;
  logger: Logger;
}

export interface DrillResult {
  /** Current files under PATH and their bytes (what a full restore would fetch). */
  totalFiles: number;
  totalBytes: number;
  drilled: number;
  bytes: number;
  seconds: number;
  /** Bytes per second measured, and the full restore's projected seconds at that rate. */
  bytesPerSecond: number;
  projectedSeconds: number;
  failed: number;
  /** Restored bytes differ from the source. */
  mismatches: string[];
  /** Source files changed (size or mtime) since the backup: not compared. */
  changedSinceBackup: number;
  /** Compared byte for byte with the source. */
  compared: number;
}

async function loadLedger(file: string): Promise<Map<string, LedgerEntry>> {
  const entries = new Map<string, LedgerEntry>();
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  for (const line of text.split('\n')) {
    const parsed = line ? parseLedgerLine(line) : undefined;
    if (parsed) entries.set(parsed.path, parsed.entry);
  }
  return entries;
}

const sha1Of = (path: string | Buffer): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha1');
    createReadStream(path).on('error', reject).on('data', (c) => hash.update(c)).on('end', () => resolve(hash.digest('hex')));
  });

/** Restored file vs source: 'same', 'differs', or 'changed' when the source is no longer what was backed up. */
async function compareWithSource(restored: string | Buffer, original: string | Buffer): Promise<'same' | 'differs' | 'changed'> {
  const [a, b] = await Promise.all([stat(restored), stat(original).catch(() => undefined)]);
  if (!b || b.size !== a.size || Math.floor(b.mtimeMs) !== Math.floor(a.mtimeMs)) return 'changed';
  return (await sha1Of(restored)) === (await sha1Of(original)) ? 'same' : 'differs';
}

export async function runDrill(o: DrillOptions): Promise<DrillResult> {
  const ledger = await loadLedger(o.ledger);
  const selector = new SampleSelector(
    { ...(o.files !== undefined ? { files: { amount: o.files, percent: false } } : {}), ...(o.bytes !== undefined ? { data: { amount: o.bytes, percent: false, hard: false } } : {}) },
    { files: 0, bytes: 0 },
    o.random,
  );
  const asOf = { kind: 'as-of' as const, at: o.now };
  const present = new Set<string>();
  let totalFiles = 0;
  let totalBytes = 0;
  for await (const history of listCryptFiles(o.bucket, { path: o.path })) {
    const [item] = selectVersions(history.relative, history.versions, asOf);
    if (item?.kind !== 'file') continue;
    const size = o.restore.plainSize(item.version.contentLength);
    totalFiles += 1;
    totalBytes += size;
    if (ledger.has(history.relative)) present.add(history.relative);
    const drilledMs = verifiedSince(ledger.get(history.relative), { size, mtimeMs: item.version.uploadTimestamp });
    selector.offer({ path: history.relative, size, mtimeMs: item.version.uploadTimestamp, tier: 0, ...(drilledMs !== undefined ? { verifiedMs: drilledMs } : {}) });
  }
  const chosen = new Map(selector.result().map((c) => [c.path, c.size]));
  const temp = await mkdtemp(join(o.tempDir ?? tmpdir(), 'encrypted-restore-drill-'));
  const result: DrillResult = { totalFiles, totalBytes, drilled: 0, bytes: 0, seconds: 0, bytesPerSecond: 0, projectedSeconds: 0, failed: 0, mismatches: [], changedSinceBackup: 0, compared: 0 };
  try {
    async function* sample(): AsyncGenerator<CryptFileHistory> {
      for await (const history of listCryptFiles(o.bucket, { path: o.path })) if (chosen.has(history.relative)) yield history;
    }
    const started = o.clock();
    const stats = await restore(sample(), { ...o.restore, client: o.bucket.client, mode: asOf, target: temp, dryRun: false, report: SILENT, logger: o.logger });
    result.seconds = Math.max((o.clock() - started) / 1000, 0.001);
    result.drilled = stats.restored;
    result.bytes = stats.bytes;
    result.failed = stats.failed;
    result.bytesPerSecond = result.bytes / result.seconds;
    result.projectedSeconds = result.bytesPerSecond > 0 ? totalBytes / result.bytesPerSecond : 0;
    const good: string[] = [];
    for (const path of chosen.keys()) {
      const local = localPathOf(path);
      // fsPath: a name that is not UTF-8 is only reachable as bytes.
      const restored = fsPath(join(temp, local));
      if (!(await stat(restored).catch(() => undefined))?.isFile()) continue; // failed (reported by restore) or a symlink
      if (o.source !== undefined) {
        const verdict = await compareWithSource(restored, fsPath(join(o.source, local)));
        if (verdict === 'differs') {
          result.mismatches.push(path);
          o.logger.error(`${path}: the restored file differs from the source`);
          continue;
        }
        if (verdict === 'changed') result.changedSinceBackup += 1;
        else result.compared += 1;
      }
      good.push(path);
    }
    // the new ledger: entries of files still there, the ones drilled now dated now
    for (const path of good) {
      ledger.set(path, { size: chosen.get(path) ?? 0, verified: o.now });
      present.add(path);
    }
    await mkdir(dirname(o.ledger), { recursive: true });
    await writeFileAtomically(o.ledger, (function* () {
      for (const [path, entry] of ledger) if (present.has(path)) yield `${ledgerLine(path, entry)}\n`;
    })());
    return result;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
