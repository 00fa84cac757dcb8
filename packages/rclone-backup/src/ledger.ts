import { mkdir, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { dirname } from 'node:path';
import { ledgerLine, parseLedgerLine, readLines, verifiedSince, writeFileAtomically, type LedgerEntry } from '@rclone-b2/core';
import type { ListedFile } from './listing.js';
import { PartitionSpool } from './partition-spool.js';

export { ledgerLine, parseLedgerLine, verifiedSince, type LedgerEntry } from '@rclone-b2/core';

export interface Coverage {
  windowMs: number;
  filesPercent: number;
  bytesPercent: number;
}

/** Keeps each partition's share of the ledger near this many bytes of text in memory. */
const PARTITION_BYTES = 2 * 1024 * 1024;
const MIN_PARTITIONS = 64;

/**
 * The verification ledger joined with the source listing without holding either whole:
 * both are spread over hash partitions on disk (see PartitionSpool) and joined one
 * partition at a time, so memory is bounded by a partition, not by the tree.
 * The new ledger keeps only files still in the backup; it is written atomically
 * (temp file + fsync + rename), so a crash leaves the previous ledger intact.
 */
export class LedgerJoin {
  private constructor(
    private readonly file: string | undefined,
    private readonly old: PartitionSpool,
    private readonly source: PartitionSpool,
    private readonly verified: PartitionSpool,
  ) {}

  /** Without a ledger file it is just the listing spooled to disk (one partition). */
  static async open(file: string | undefined, workDir: string): Promise<LedgerJoin> {
    const bytes = file === undefined ? 0 : await stat(file).then((s) => s.size, (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return 0;
      throw error;
    });
    const count = file === undefined ? 1 : Math.min(4096, Math.max(MIN_PARTITIONS, Math.ceil(bytes / PARTITION_BYTES)));
    const [old, source, verified] = await Promise.all(['ledger', 'source', 'verified'].map((name) => PartitionSpool.create(workDir, name, count)));
    const join = new LedgerJoin(file, old as PartitionSpool, source as PartitionSpool, verified as PartitionSpool);
    if (file !== undefined && bytes > 0) {
      for await (const line of readLines(createReadStream(file))) {
        const parsed = parseLedgerLine(line);
        if (parsed) await join.old.add(parsed.path, line);
      }
    }
    await join.old.flush();
    return join;
  }

  addSource(file: ListedFile): Promise<void> {
    return this.source.add(file.path, JSON.stringify([file.path, file.size, file.mtimeMs]));
  }

  /** A file found equal just now. */
  addVerified(path: string): Promise<void> {
    return this.verified.add(path, JSON.stringify(path));
  }

  private async oldEntries(k: number): Promise<Map<string, LedgerEntry>> {
    const entries = new Map<string, LedgerEntry>();
    for await (const line of this.old.lines(k)) {
      const parsed = parseLedgerLine(line);
      if (parsed) entries.set(parsed.path, parsed.entry);
    }
    return entries;
  }

  private async *sourceFiles(k: number): AsyncGenerator<ListedFile> {
    for await (const line of this.source.lines(k)) {
      const [path, size, mtimeMs] = JSON.parse(line) as [string, number, number];
      yield { path, size, mtimeMs };
    }
  }

  /** Every source file with when it was last verified (unchanged since), partition by partition. */
  async *joined(): AsyncGenerator<{ file: ListedFile; verifiedMs: number | undefined }> {
    await this.source.flush();
    for (let k = 0; k < this.source.count; k++) {
      const entries = await this.oldEntries(k);
      for await (const file of this.sourceFiles(k)) yield { file, verifiedMs: verifiedSince(entries.get(file.path), file) };
    }
  }

  /** Writes the new ledger (old entries of files still in the backup, updated by addVerified) and returns the coverage. */
  async write(now: number, windowMs: number): Promise<Coverage> {
    const file = this.file;
    if (file === undefined) throw new Error('LedgerJoin.write without a ledger file');
    await this.source.flush();
    await this.verified.flush();
    const tally = { files: 0, bytes: 0, coveredFiles: 0, coveredBytes: 0 };
    const self = this;
    async function* lines(): AsyncGenerator<string> {
      for (let k = 0; k < self.source.count; k++) {
        const entries = await self.oldEntries(k);
        const fresh = new Set<string>();
        for await (const line of self.verified.lines(k)) fresh.add(JSON.parse(line) as string);
        for await (const file of self.sourceFiles(k)) {
          const entry = fresh.has(file.path) ? { size: file.size, verified: now } : entries.get(file.path);
          tally.files += 1;
          tally.bytes += file.size;
          const since = verifiedSince(entry, file);
          if (since !== undefined && since >= now - windowMs) {
            tally.coveredFiles += 1;
            tally.coveredBytes += file.size;
          }
          if (entry) yield `${ledgerLine(file.path, entry)}\n`;
        }
      }
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomically(file, lines(), { tempPath: `${file}.tmp-${process.pid}` });
    return coverageOf(tally, windowMs);
  }
}

function coverageOf(tally: { files: number; bytes: number; coveredFiles: number; coveredBytes: number }, windowMs: number): Coverage {
  const pct = (a: number, b: number): number => (b === 0 ? 100 : Math.floor((1000 * a) / b) / 10);
  return { windowMs, filesPercent: pct(tally.coveredFiles, tally.files), bytesPercent: pct(tally.coveredBytes, tally.bytes) };
}
