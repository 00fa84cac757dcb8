import { statSync, utimesSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ExitCode, interruptSignal, throwIfInterrupted, ToolError } from '@rclone-b2/core';
import { commit, type CommitResult } from './commit.js';
import { lockDir } from './dir-lock.js';
import { OutputDir } from './output-dir.js';
import { PieceCollector } from './piece-collector.js';
import { NO_HEADER, RefusedInput, Splitter } from './splitter.js';
import { isIntact, readState, type PieceRecord } from './state.js';

export interface SplitOptions {
  outDir: string;
  /** Target piece size in bytes. */
  pieceSize: number;
  regroup: boolean;
  dryRun: boolean;
  /** Longest accepted line (a statement); longer input is rejected as not a dump. */
  maxLine?: number;
  /** Bytes of one piece held in memory before it overflows (default 32 MiB; tests use less). */
  spillBytes?: number;
  /** false: rows go through the JavaScript path only (the compiled scanner makes the same cuts; tests compare). */
  compiled?: boolean;
  /** Stops the run (SIGINT/SIGTERM): nothing is committed. Default: the tool's interrupt signal. */
  signal?: AbortSignal;
  /** Accept a dump without mysqldump's header and trailer (--skip-comments, --compact): its completeness is not checked. */
  allowSkipComments?: boolean;
}

/**
 * Reads an open file through two reused buffers, the next read running while the caller works on
 * the current chunk: no per-chunk allocation for the GC to chase, no idle wait for the disk.
 * The caller must be done with a chunk when it asks for the next one, and closes the handle.
 */
export async function* readFileChunks(handle: FileHandle, size = 1 << 20): AsyncGenerator<Buffer> {
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let which = 0;
  let next = handle.read(buffers[0] as Buffer, 0, size, null);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      const current = buffers[which] as Buffer;
      which ^= 1;
      next = handle.read(buffers[which] as Buffer, 0, size, null);
      yield current.subarray(0, bytesRead);
    }
  } finally {
    await next.catch(() => undefined);
  }
}

export interface SplitSummary extends CommitResult {
  bytesIn: number;
  bytesWritten: number;
  /** What the caller should tell the user: the run did less than usual (e.g. a completeness check). */
  notices: string[];
}

// What a mysqldump file may start with (MariaDB 10.11+ starts with a sandbox-mode comment;
// --skip-comments dumps start with /*!40101 SET ...).
const DUMP_START = /^(?:\uFEFF)?(?:-- (?:MySQL|MariaDB) dump|\/\*M?!|--[ \r\n]|--$|SET |DROP |CREATE |USE |LOCK |INSERT |REPLACE |DELIMITER )/;

function badInput(message: string, outDir: string): ToolError {
  return new ToolError(`${message} (nothing changed in ${outDir})`, ExitCode.Usage);
}

/**
 * Whether the whole dump arrived. mysqldump with comments (its default) starts with a header
 * and ends with `-- Dump completed`: a dump with the header must end with that line. Without
 * comments there is no trailer, so nothing in the stream proves it complete: accepted only
 * when asked for (--allow-skip-comments), and said so.
 */
function completeness(splitter: Splitter, options: SplitOptions): string[] {
  const { outDir } = options;
  if (splitter.sawDumpHeader) {
    if (!splitter.endsWithTrailer) throw badInput("no '-- Dump completed' line at the end: the dump is incomplete (did mysqldump fail?)", outDir);
    return [];
  }
  // a lone sandbox line (a MariaDB dump cut after its first line) ends before line 2 is checked
  if (!options.allowSkipComments) throw badInput(NO_HEADER, outDir);
  if (!splitter.sawDumpShape) throw badInput('input does not look like mysqldump output (no header, no table, no versioned /*!NNNNN comment)', outDir);
  const notices = [
    "a dump without mysqldump's header and trailer (--skip-comments/--compact): accepted (--allow-skip-comments), but whether it is complete was NOT checked",
  ];
  if (splitter.sections === 0) {
    notices.push(
      'no table sections found (mysqldump --compact leaves out the comments and DROP/LOCK TABLES that mark them): the dump is one piece, so any change rewrites all of it',
    );
  }
  return notices;
}

function timesOf(dir: string): { atimeNs: bigint; mtimeNs: bigint } | undefined {
  try {
    return statSync(dir, { bigint: true });
  } catch {
    return undefined;
  }
}

/**
 * Puts back the directory's times as before the run, to the microsecond (libuv truncates
 * utimes to microseconds; aiming at the middle of the microsecond keeps the float's error
 * from landing in the one before).
 */
function restoreTimes(dir: string, times: { atimeNs: bigint; mtimeNs: bigint }): void {
  const seconds = (ns: bigint): number => Number(ns / 1000n) / 1e6 + 5e-7;
  try {
    utimesSync(dir, seconds(times.atimeNs), seconds(times.mtimeNs));
  } catch {
    // best effort: the refusal is what matters
  }
}

function previousIndex(outDir: string, pieces: readonly PieceRecord[]): Map<string, PieceRecord[]> {
  const index = new Map<string, PieceRecord[]>();
  for (const record of pieces) {
    if (!isIntact(outDir, record)) continue;
    const id = `${record.label} ${record.sha256}`;
    index.set(id, [...(index.get(id) ?? []), record]);
  }
  return index;
}

/**
 * Splits a mysqldump stream into outDir; nothing is deleted or replaced unless the whole input
 * was good, nothing at all is written when nothing changed, and the directory is made only
 * when there is something to write (and removed again if the run then fails).
 */
export async function splitDump(input: AsyncIterable<Buffer> | Readable, options: SplitOptions): Promise<SplitSummary> {
  const out = new OutputDir(options.outDir);
  const unlock = options.dryRun ? undefined : await lockDir(options.outDir);
  try {
    return await splitLocked(input, options, out);
  } catch (error) {
    if (!options.dryRun) out.removeIfCreated();
    throw error;
  } finally {
    await unlock?.();
  }
}

async function splitLocked(input: AsyncIterable<Buffer> | Readable, options: SplitOptions, out: OutputDir): Promise<SplitSummary> {
  const { outDir } = options;
  if (!options.dryRun) out.removeStaleTemps();
  const old = readState(outDir);
  const dirTimes = options.dryRun ? undefined : timesOf(outDir);
  let committing = false;
  const collector = new PieceCollector(outDir, previousIndex(outDir, old.pieces), options.dryRun, () => out.prepare(), options.spillBytes);
  const splitter = new Splitter(
    collector,
    { pieceSize: options.pieceSize, regroup: options.regroup, compiled: options.compiled, headerless: options.allowSkipComments },
    options.maxLine,
  );
  // An interruption ends a read waiting on stdin too; the catch below removes the new pieces.
  const signal = options.signal ?? interruptSignal();
  const stopReading = (): void => void (input instanceof Readable && input.destroy(signal?.reason as Error));
  signal?.addEventListener('abort', stopReading, { once: true });
  try {
    let first = true;
    for await (const raw of input as AsyncIterable<Buffer | string>) {
      throwIfInterrupted(signal);
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      if (chunk.length === 0) continue;
      if (first) {
        first = false;
        if (!DUMP_START.test(chunk.toString('latin1', 0, Math.min(chunk.length, 64)))) {
          // A compressed dump is the usual mistake: say how to feed it.
          const compressed = compressedBy(chunk);
          throw badInput(compressed ? `input is ${compressed.name}-compressed, not mysqldump output: decompress it first (${compressed.cat} DUMP | mysql-dump-splitter …)` : 'input does not look like mysqldump output', outDir);
        }
      }
      const nul = chunk.indexOf(0);
      if (nul >= 0) throw badInput(`binary data (a NUL byte) at offset ${splitter.bytesIn + nul}: not mysqldump output`, outDir);
      splitter.push(chunk);
    }
    if (splitter.bytesIn === 0) throw badInput('empty input', outDir);
    splitter.finish();
    if (!splitter.endedWithNewline) throw badInput(`input ends in the middle of line ${splitter.lineNo}: truncated dump`, outDir);
    const notices = completeness(splitter, options);
    throwIfInterrupted(signal);
    committing = true;
    const result = commit(outDir, collector, old, options.dryRun);
    return { ...result, bytesIn: splitter.bytesIn, bytesWritten: result.written.reduce((sum, p) => sum + p.size, 0), notices };
  } catch (error) {
    collector.abort();
    // a cut dump is known only at its end, after changed pieces were staged in the directory
    if (dirTimes && !committing && collector.madeFiles) restoreTimes(outDir, dirTimes);
    if (error instanceof RefusedInput) throw badInput(error.message, outDir);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stopReading);
  }
}

/** The compressor whose magic bytes open `chunk` (gzip, xz, zstd, bzip2), with its cat program. */
function compressedBy(chunk: Buffer): { name: string; cat: string } | undefined {
  if (chunk[0] === 0x1f && chunk[1] === 0x8b) return { name: 'gzip', cat: 'zcat' };
  if (chunk.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return { name: 'xz', cat: 'xzcat' };
  if (chunk.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return { name: 'zstd', cat: 'zstdcat' };
  if (chunk.subarray(0, 3).toString('latin1') === 'BZh') return { name: 'bzip2', cat: 'bzcat' };
  return undefined;
}
