import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { SortedRows } from '../select.js';
import type { ChunkWriter } from './chunk-writer.js';
import { rowWindow, type RowColumns } from './row-columns.js';
import { formatRows } from './text-fill.js';
import { inSharedMemory, sharedInt32, sharedUint32, sharedUint8 } from '../shared-arrays.js';
import { PRINT_CHUNK, type PrintJob } from './text-print-job.js';
import { PrintThread } from './text-print-thread.js';

// A long text report is formatted by two threads: this one and a worker thread
// (text-print-worker.ts) take blocks of rows in turn from a shared counter, as each
// finishes its last, and this thread writes every block in order, its own and the
// worker's (handed over without a copy). Copying names into the output is most of a
// report's time (cache misses over the arenas): two cores do it in half the wall time.
// Where the worker cannot start or stops, this thread formats the blocks it misses, so
// the bytes are the same either way.

/** Rows a thread formats at a time (~600 KB of text). */
export const BLOCK_ROWS = 4096;
/** Below this many rows one thread prints (a worker costs ~30 ms of start-up). */
const PARALLEL_MIN_ROWS = 300_000;

/**
 * How long this thread waits for a block the worker took before formatting it itself (a
 * block takes ~2 ms): on a busy machine the worker may not run for a while, and this
 * thread must not wait on it (the worker's copy is then dropped).
 */
const STEAL_MS = 20;

/** Whether a report of `rows` rows is worth a second thread. */
export function longReport(rows: number): boolean {
  return rows >= PARALLEL_MIN_ROWS;
}

/** For tests: smaller blocks, the first block taken only once the worker has started, another wait for a late block. */
export interface ParallelTuning {
  blockRows?: number;
  waitForWorker?: boolean;
  stealMs?: number;
}

/**
 * Prints `rows`, the printing thread `thread` formatting some of the blocks (see above;
 * started here when not given, stopped here either way); returns how many it formatted.
 */
export async function printRowsInParallel(rows: SortedRows, out: ChunkWriter, human: boolean, tuning: ParallelTuning = {}, given?: PrintThread): Promise<number> {
  const thread = given ?? PrintThread.start();
  const blockRows = tuning.blockRows ?? BLOCK_ROWS;
  const columns = rows.columns();
  const length = rows.length;
  const blocks = Math.ceil(length / blockRows);
  // [0]: the next block to take; [1]: blocks written (the worker stays a few ahead of it).
  const control = new Int32Array(new SharedArrayBuffer(8));
  let workerBlocks = 0;
  // Written buffers go back to the worker for its next blocks (fresh memory costs page faults).
  const returns = new MessageChannel();
  returns.port1.unref();
  thread?.worker.postMessage(sharedJob(rows, columns, human, blocks, blockRows, control, returns.port2), [returns.port2]);
  /** The worker's block b, or undefined when it stopped or is late with it (this thread formats it then). */
  const fromWorker = async (b: number): Promise<Uint8Array[] | undefined> => {
    const deadline = performance.now() + (tuning.stealMs ?? STEAL_MS);
    for (;;) {
      const chunks = thread?.received.get(b);
      if (chunks !== undefined) {
        thread?.received.delete(b);
        return chunks;
      }
      if (thread === undefined || thread.stopped) return undefined;
      const left = deadline - performance.now();
      if (left <= 0) {
        thread.skip(b);
        return undefined;
      }
      await thread.next(left);
    }
  };
  // Only where the bytes have surely left the buffer (moving it away detaches the reader's view).
  const giveBack = out.toDescriptor
    ? (buf: Buffer): void => {
        if (thread !== undefined && !thread.stopped && buf.buffer instanceof ArrayBuffer) returns.port1.postMessage(buf.buffer, [buf.buffer]);
      }
    : (): void => undefined;
  const window = rowWindow(blockRows);
  const mine: Array<[Buffer, number]> = [];
  const format = (b: number): void => {
    const from = b * blockRows;
    formatRows(columns, window, human, from, Math.min(length, from + blockRows), (size) => out.chunk(Math.max(PRINT_CHUNK, size)), (buf, n) => mine.push([buf, n]));
  };
  const writeMine = async (): Promise<void> => {
    for (const [buf, n] of mine) {
      const wait = out.writeChunk(buf, n);
      if (wait) await wait;
    }
    mine.length = 0;
  };
  let next = 0;
  const written = (): void => {
    next += 1;
    Atomics.store(control, 1, next);
    Atomics.notify(control, 1);
  };
  try {
    while (tuning.waitForWorker && thread !== undefined && !thread.ready && !thread.stopped) await thread.next();
    while (next < blocks) {
      const b = Atomics.add(control, 0, 1);
      const own = b < blocks;
      if (own) format(b);
      // Blocks before b were taken by the worker: written first.
      for (const last = own ? b : blocks; next < last; written()) {
        const chunks = await fromWorker(next);
        if (chunks === undefined) {
          const held = mine.splice(0);
          format(next);
          await writeMine();
          mine.push(...held);
          continue;
        }
        workerBlocks += 1;
        for (const chunk of chunks) {
          const wait = out.writeChunk(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length), chunk.length, giveBack);
          if (wait) await wait;
        }
      }
      if (own) {
        await writeMine();
        written();
      }
    }
  } finally {
    // Done (or failed writing): a worker still waiting to run ahead stops at once.
    Atomics.store(control, 0, blocks);
    Atomics.store(control, 1, blocks);
    Atomics.notify(control, 1);
    returns.port1.close();
    await thread?.stop();
  }
  return workerBlocks;
}

/** The worker's job: views of the same memory (shared-arrays.ts; copies only of arrays that are not shared). */
function sharedJob(rows: SortedRows, c: RowColumns, human: boolean, blocks: number, blockRows: number, control: Int32Array, returned: MessagePort): PrintJob {
  const { dirs, files } = rows.tree;
  const n = rows.length;
  const d = dirs.count;
  return {
    ids: inSharedMemory(c.ids, n, sharedUint32),
    hi: inSharedMemory(c.hi, n, sharedUint32),
    lo: inSharedMemory(c.lo, n, sharedUint32),
    fileRows: c.fileRows,
    fileDir: inSharedMemory(c.fileDir, files.count, sharedInt32),
    fileNameAt: inSharedMemory(c.fileNameAt, files.count + 1, sharedUint32),
    dirPathAt: inSharedMemory(c.dirPathAt, d, sharedUint32),
    dirPathLength: inSharedMemory(c.dirPathLength, d, sharedUint32),
    dirPrefixLength: inSharedMemory(c.dirPrefixLength, d, sharedUint32),
    dirOdd: inSharedMemory(c.dirOdd, d, sharedUint8),
    names: inSharedMemory(c.names, files.names.length, sharedUint8),
    paths: inSharedMemory(c.paths, dirs.paths.length, sharedUint8),
    human,
    blocks,
    blockRows,
    control,
    returned,
  };
}
