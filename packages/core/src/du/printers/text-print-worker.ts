import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { rowWindow } from './row-columns.js';
import { formatRows } from './text-fill.js';
import { isPrintJob, PRINT_CHUNK, transferable, type PrintJob } from './text-print-job.js';

// The printing thread of text-parallel.ts: takes blocks of rows from the shared counter,
// formats each and hands its bytes to the main thread, which writes them in order.

/** Blocks this thread may be ahead of what the main thread has written (bounds the memory held). */
const AHEAD = 16;

if (parentPort !== null) {
  const port = parentPort;
  port.postMessage('ready');
  // One job; then nothing listens and the thread ends.
  port.once('message', (job: unknown) => {
    if (isPrintJob(job)) run(port, job);
  });
}

function run(port: MessagePort, job: PrintJob): void {
  const { control, blocks, blockRows, human } = job;
  const columns = { ...job, names: Buffer.from(job.names.buffer, job.names.byteOffset, job.names.length), paths: Buffer.from(job.paths.buffer, job.paths.byteOffset, job.paths.length) };
  const length = job.ids.length;
  const window = rowWindow(blockRows);
  for (;;) {
    const b = Atomics.add(control, 0, 1);
    if (b >= blocks) break;
    for (let done = Atomics.load(control, 1); b - done > AHEAD; done = Atomics.load(control, 1)) Atomics.wait(control, 1, done, 1000);
    const chunks: Uint8Array[] = [];
    const from = b * blockRows;
    formatRows(columns, window, human, from, Math.min(length, from + blockRows), (size) => outputBuffer(job.returned, size), (buf, n) => chunks.push(buf.subarray(0, n)));
    port.postMessage({ block: b, chunks }, transferable(chunks));
  }
}

/** An output buffer of at least `size` bytes: one the main thread has written and given back, else a new one. */
function outputBuffer(returned: MessagePort, size: number): Buffer {
  for (let m = receiveMessageOnPort(returned); m !== undefined; m = receiveMessageOnPort(returned)) {
    const back: unknown = m.message;
    if (back instanceof ArrayBuffer && back.byteLength >= size) return Buffer.from(back);
  }
  return Buffer.allocUnsafeSlow(Math.max(PRINT_CHUNK, size));
}
