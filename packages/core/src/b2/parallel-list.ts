// Lists a bucket's versions faster than one cursor allows. B2 pages are sequential per
// cursor (each call needs the previous call's nextFileName), so a million versions at 50 ms
// per call take at least 50 s however fast we decode. Here the key space is cut into ranges
// [from, to) — each listed from `startFileName = from` and stopped at the first name >= to —
// and up to `concurrency` ranges are listed at once. A range is cut only once its first page
// came back full (it is dense) and a slot is free, so a small listing makes exactly the calls a
// single cursor makes, and each cut costs at most one extra, partly filled page.
// How far the listing runs ahead of the consumer is a window of pages (fetched and not yet
// taken, plus calls out), counted from the consumer's side, nearest ranges first. It starts
// at 2 pages and doubles each time the consumer had to wait for a page for more than
// SLOW_WAIT_MS, up to WINDOW_PER_RANGE × concurrency pages and WINDOW_NAMES versions: on a
// fast source (no latency, or a consumer slower than the listing) it stays small — few pages
// held, few ranges cut, no extra calls — and on a slow link it opens until the latency is
// hidden. Pages a farther range fetched before a nearer one was cut off stay held (at most
// about one more window) but never hold back the nearer pages.
// The versions come out in B2's order (ranges in key order, pages in order).
import type { B2Api, B2FileVersion, B2VersionPage, ListVersionsOptions } from './types.js';
import { compareB2Names } from '../versions/list.js';
import { splitPoints } from './range-split.js';

/** Pages fetched ahead of the consumer, at most, per range allowed at once. */
const WINDOW_PER_RANGE = 6;
/** Versions fetched ahead, at most (in whole pages): bigger pages make a window of fewer pages. */
const WINDOW_NAMES = 96_000;
/** The window before the consumer ever waited. */
const FIRST_WINDOW = 2;
/** A wait shorter than this is the source's own work (an in-process or local listing), not latency to hide. */
const SLOW_WAIT_MS = 2;
/** Pages a range carved off is meant to hold: each range ends with one partly filled page (a call more). */
const SPAN = 12;

export interface ParallelListOptions {
  /** Only names starting with this. */
  prefix?: string;
  /** First name to list (inclusive). */
  startFileName?: string;
  /** Stop before this name (exclusive). */
  stopBeforeFileName?: string;
  /** Versions per call (default 1000). */
  pageSize?: number;
  /** Ranges listed at once (default 16; 1 = one cursor, as B2's own paging). */
  concurrency?: number;
  /** Milliseconds clock for the consumer's waits (default performance.now). */
  now?: () => number;
  signal?: AbortSignal;
}

/** What a listing did: the calls it made and how often it cut a range. */
export interface ParallelListStats {
  calls: number;
  splits: number;
  /** Most ranges listed at the same time. */
  widest: number;
}

interface Range {
  /** Where the next call starts, and its startFileId (set inside one name's versions). */
  from: string;
  fromId?: string;
  /** Exclusive end; undefined = the end of the prefix. */
  to?: string;
  pages: B2FileVersion[][];
  fetching: boolean;
  done: boolean;
  /** A call was made for it (until then, a range that reaches it may take it over). */
  started?: boolean;
  /** The first name of the last full page: where the range's density is known from (unset once cut). */
  hint?: string;
}

type PageReader = (options: ListVersionsOptions) => Promise<B2VersionPage>;

/** Entries of `files` (sorted) before `to`: all of them unless the last one reaches it. */
function before(files: B2FileVersion[], to: string | undefined): { files: B2FileVersion[]; reached: boolean } {
  if (to === undefined || files.length === 0 || compareB2Names(files[files.length - 1]!.fileName, to) < 0) return { files, reached: false };
  let keep = 0;
  while (keep < files.length && compareB2Names(files[keep]!.fileName, to) < 0) keep += 1;
  return { files: files.slice(0, keep), reached: true };
}

/**
 * Every version under `prefix` in B2's order (name, then newest first), listed with up to
 * `concurrency` cursors at once when the client can list single pages; otherwise with the
 * client's one-cursor listing. `stats` (if given) is filled in as the listing runs.
 */
export async function* listVersionsParallel(
  client: Pick<B2Api, 'listFileVersions' | 'listFileVersionsPage'>,
  bucketId: string,
  options: ParallelListOptions = {},
  stats: ParallelListStats = { calls: 0, splits: 0, widest: 0 },
): AsyncGenerator<B2FileVersion> {
  for await (const page of listVersionPagesParallel(client, bucketId, options, stats)) yield* page;
}

/**
 * listVersionsParallel a page at a time (each page non-empty, in order): a consumer of
 * millions of versions then pays one asynchronous step per page, not one per version.
 */
export async function* listVersionPagesParallel(
  client: Pick<B2Api, 'listFileVersions' | 'listFileVersionsPage'>,
  bucketId: string,
  options: ParallelListOptions = {},
  stats: ParallelListStats = { calls: 0, splits: 0, widest: 0 },
): AsyncGenerator<readonly B2FileVersion[]> {
  const prefix = options.prefix ?? '';
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
  const pageSize = options.pageSize ?? 1000;
  const start = options.startFileName !== undefined && compareB2Names(options.startFileName, prefix) > 0 ? options.startFileName : prefix;
  const stop = options.stopBeforeFileName;
  const readPage: PageReader | undefined = client.listFileVersionsPage?.bind(client, bucketId);
  if (readPage === undefined) {
    const base: ListVersionsOptions = { pageSize, ...(prefix ? { prefix } : {}), ...(start ? { startFileName: start } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    let page: B2FileVersion[] = [];
    for await (const version of client.listFileVersions(bucketId, base)) {
      if (stop !== undefined && compareB2Names(version.fileName, stop) >= 0) break;
      page.push(version);
      if (page.length < pageSize) continue;
      yield page;
      page = [];
    }
    if (page.length > 0) yield page;
    return;
  }
  if (stop !== undefined && compareB2Names(start, stop) >= 0) return;

  // Ends the calls still running when the consumer stops early or a call fails.
  const abort = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
  const ranges: Range[] = [{ from: start, to: stop, pages: [], fetching: false, done: false }];
  const widest = Math.max(2 * FIRST_WINDOW, Math.min(WINDOW_PER_RANGE * concurrency, Math.floor(WINDOW_NAMES / pageSize)));
  const now = options.now ?? (() => performance.now());
  let window = Math.min(FIRST_WINDOW, widest);
  /** The consumer just waited long for a page: more cursors near it would help (a cut pays off). */
  let starved = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const changed = (): void => {
    wake?.();
    wake = undefined;
  };

  // Carves pieces of about SPAN pages off the start of a dense range (the nearest to the
  // consumer first), so the pages the consumer needs next are fetched side by side; the rest
  // stays one range, to be carved in its turn. Only cursors inside the window count: a range
  // listed to its end holds pages, not a cursor, and one beyond the window waits its turn, so
  // neither keeps the range the consumer waits on from being cut (it was then listed alone).
  // Called only after the consumer waited long: when it keeps up, cutting adds calls, not speed.
  const cut = (): void => {
    // About FIRST_WINDOW pages of window per range: before the consumer ever waited long, one range.
    const allowed = Math.min(concurrency, Math.floor(window / FIRST_WINDOW), Math.floor(widest / WINDOW_PER_RANGE));
    let cursors = 0;
    let used = 0;
    let reach = 0;
    for (const range of ranges) {
      if (used >= window) break;
      used += range.pages.length + (range.done ? 0 : 1);
      if (!range.done) cursors += 1;
      reach += 1;
    }
    for (let i = 0; i < reach; i += 1) {
      const free = allowed - cursors;
      if (free <= 0) return;
      const range = ranges[i]!;
      // Not while a call is out: its page would run past the new end and be fetched twice.
      if (range.done || range.fetching || range.hint === undefined) continue;
      const points = splitPoints(prefix, range.from, range.to, range.hint, free + 1, SPAN).filter(
        (p) => compareB2Names(p, range.from) > 0 && (range.to === undefined || compareB2Names(p, range.to) < 0),
      );
      range.hint = undefined;
      if (points.length === 0) continue;
      const added: Range[] = points.map((from, k) => ({ from, to: points[k + 1] ?? range.to, pages: [], fetching: false, done: false }));
      range.to = points[0];
      ranges.splice(i + 1, 0, ...added);
      // The new ranges are inside the window (each takes a page of it); farther ones leave it.
      i += added.length;
      reach += added.length;
      cursors += added.length;
      stats.splits += 1;
      stats.widest = Math.max(stats.widest, cursors);
    }
  };

  const fetch = async (range: Range): Promise<void> => {
    range.fetching = true;
    range.started = true;
    try {
      const page = await readPage({ prefix, pageSize, startFileName: range.from, ...(range.fromId !== undefined ? { startFileId: range.fromId } : {}), signal });
      stats.calls += 1;
      let { files, reached } = before(page.files, range.to);
      // A page that ran past the range's end into ranges not listed yet keeps those names: the
      // range takes them over (B2 returned and bills them; dropping them wasted a page a cut).
      for (let at = ranges.indexOf(range) + 1; reached && at < ranges.length && ranges[at]!.started !== true; ) {
        range.to = ranges[at]!.to;
        ranges.splice(at, 1);
        ({ files, reached } = before(page.files, range.to));
      }
      if (files.length > 0) range.pages.push(files);
      const next = page.nextFileName;
      if (reached || next === undefined || (range.to !== undefined && compareB2Names(next, range.to) >= 0)) {
        range.done = true;
      } else {
        range.from = next;
        range.fromId = page.nextFileId;
        // A full page: the range is dense, and may be cut when a slot is free.
        range.hint = page.files[0]?.fileName;
      }
    } catch (error) {
      failure ??= { error };
      abort.abort();
    } finally {
      range.fetching = false;
      changed();
    }
  };

  // Calls for the nearest ranges first, while the window has room; the first range always
  // gets its next page (it is what the consumer waits for).
  const pump = (): void => {
    if (failure) return;
    if (starved) cut();
    starved = false;
    // The window counts pages from the consumer's side: pages held by farther ranges (fetched
    // before a nearer range was cut off) never hold back the pages the consumer needs first.
    let used = 0;
    for (const range of ranges) {
      used += range.pages.length + (range.fetching ? 1 : 0);
      if (range.done || range.fetching) continue;
      if (used >= window && !(range === ranges[0] && range.pages.length === 0)) break;
      void fetch(range);
      used += 1;
    }
  };

  try {
    for (;;) {
      pump();
      if (failure) throw failure.error;
      const head = ranges[0];
      if (head === undefined) return;
      const page = head.pages.shift();
      if (page !== undefined) {
        yield page;
        continue;
      }
      if (head.done && !head.fetching) {
        ranges.shift();
        continue;
      }
      // The consumer waits: if long, the listing did not run far enough ahead.
      const waited = now();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      if (now() - waited > SLOW_WAIT_MS) {
        window = Math.min(widest, window * 2);
        starved = true;
      }
    }
  } finally {
    abort.abort();
  }
}
