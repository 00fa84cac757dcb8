import { existsSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { detectListingFormat } from './formats/detect.js';
import { isReadReply, type ReadJob, type ReadReply } from './read-job.js';
import { readFileChunks } from './read-file-chunks.js';
import { readListing, type ReadListingOptions, type ReadListingResult } from './read-listing.js';
import type { DuTree } from './tree.js';

// A large `rclone ls` listing file is read by two threads: this one reads the first half
// into the tree while a worker (read-worker.ts) reads the second half, from the first line
// start after the middle, into a tree of its own, which is then added to this one
// (DuTree.absorb). Adding lines to the tree is most of reading; the second core halves it.
// Anything unusual in the worker's half (a line that cannot be parsed, an error, no
// worker) makes this thread read that half itself, so results and warnings never change.

/** Below this many bytes (~300k lines) one thread reads (a worker costs ~30 ms of start-up). */
const PARALLEL_MIN_BYTES = 24 << 20;
/** How far past the middle a line start is looked for. */
const SEEK = 1 << 16;

let foundWorker: URL | null | undefined;

/** The worker's module: beside a tool's bundle, else in core's dist (from dist or src). */
function workerUrl(): URL | undefined {
  if (foundWorker === undefined) {
    foundWorker = null;
    for (const place of ['./du-read-worker.mjs', './read-worker.js', '../../dist/du/read-worker.js']) {
      const url = new URL(place, import.meta.url);
      if (existsSync(url)) {
        foundWorker = url;
        break;
      }
    }
  }
  return foundWorker ?? undefined;
}

/** Bytes from which a listing file is read by two threads (RCLONE_B2_DU_PARALLEL_MIN_BYTES lowers it for tests). */
function parallelMinBytes(): number {
  const given = Number(process.env.RCLONE_B2_DU_PARALLEL_MIN_BYTES);
  return Number.isInteger(given) && given > 0 ? given : PARALLEL_MIN_BYTES;
}

/**
 * Reads the listing file open as `fd` (`size` bytes when looked at) into `tree`, as
 * readListing of its chunks would (same tree contents, warnings, result), by two threads
 * when it is a large `rclone ls` listing (see above; RCLONE_B2_DU_THREADS=0: one).
 */
export async function readListingFile(fd: number, size: number, tree: DuTree, options: ReadListingOptions = {}): Promise<ReadListingResult> {
  const middle = size >= parallelMinBytes() && !options.nul && process.env.RCLONE_B2_DU_THREADS !== '0' ? splitPoint(fd, size, options) : -1;
  const url = middle > 0 ? workerUrl() : undefined;
  if (url === undefined) return readListing(readFileChunks(fd, undefined, true), tree, options);
  const worker = new Worker(url);
  const compiled = options.compiled !== false;
  const reply = new Promise<ReadReply | undefined>((resolve) => {
    worker.once('message', (message: unknown) => resolve(isReadReply(message) ? message : undefined));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  const job: ReadJob = { fd, from: middle, expected: size, compiled };
  worker.postMessage(job);
  try {
    const first = await readListing(readFileChunks(fd, undefined, true, 0, middle), tree, options);
    const second = await reply;
    if (first.format !== 'rclone-ls') {
      // Not what the first line said (cannot happen): the rest as one thread would read it.
      if (first.format === undefined) return first;
      return add(first, await readListing(readFileChunks(fd, undefined, true, middle), tree, { ...options, format: first.format, linesBefore: first.lines }));
    }
    if (second?.part !== undefined) {
      tree.absorb(second.part);
      return { ...first, lines: first.lines + second.lines };
    }
    // The worker's half held a line it could not parse, or the worker failed: read here, warnings numbered from this half's lines.
    return add(first, await readListing(readFileChunks(fd, undefined, true, middle), tree, { ...options, format: 'rclone-ls', linesBefore: first.lines }));
  } finally {
    await worker.terminate();
  }
}

function add(first: ReadListingResult, second: ReadListingResult): ReadListingResult {
  return { ...first, lines: first.lines + second.lines, skipped: first.skipped + second.skipped };
}

/**
 * Where the second half starts (just after a newline past the middle), or -1 when the file
 * is not an `rclone ls` listing (forced, or detected from its first line as readListing
 * would) or no newline is near the middle.
 */
function splitPoint(fd: number, size: number, options: ReadListingOptions): number {
  const buf = Buffer.allocUnsafe(SEEK);
  if (options.format !== 'rclone-ls') {
    if (options.format !== undefined) return -1;
    const n = readSync(fd, buf, 0, SEEK, 0);
    if (firstLineFormat(buf.subarray(0, n)) !== 'rclone-ls') return -1;
  }
  const from = Math.floor(size / 2);
  const n = readSync(fd, buf, 0, SEEK, from);
  const newline = buf.subarray(0, n).indexOf(10);
  return newline < 0 || from + newline + 1 >= size ? -1 : from + newline + 1;
}

/** The format readListing detects from the first non-blank line of `head` (undefined: none, or no whole line there). */
function firstLineFormat(head: Buffer): string | undefined {
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (;;) {
    const at = head.indexOf(10, start);
    if (at < 0) return undefined;
    const end = at > start && head[at - 1] === 13 ? at - 1 : at;
    const line = head.toString('utf8', start, end);
    if (line.trim() !== '') return detectListingFormat(line);
    start = at + 1;
  }
}
