// A small pool of worker threads that seal/open secretbox blocks, so contents can be
// decrypted on several cores. Jobs carry their own nonce; results come back by id.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

// Only dynamic import(): the eval'd source must work as CommonJS and as an ES module
// (a parent started with --input-type=module passes that to its workers).
const WORKER_SOURCE = `
import('node:worker_threads').then(async ({ parentPort, workerData }) => {
  const { xsalsa20poly1305 } = await import(workerData.salsaUrl);
  const key = new Uint8Array(workerData.key);
  parentPort.on('message', ({ id, open, nonce, data }) => {
    let out;
    try {
      const box = xsalsa20poly1305(key, nonce);
      out = open ? box.decrypt(data) : box.encrypt(data);
    } catch {
      parentPort.postMessage({ id, ok: false });
      return;
    }
    parentPort.postMessage({ id, ok: true, buffer: out.buffer, offset: out.byteOffset, length: out.length }, [out.buffer]);
  });
});
`;

/**
 * The cipher module the workers import. A bundled bin (scripts/bundle-bins.mjs) carries it
 * beside itself, as noble-salsa.mjs: @noble/ciphers need not be resolvable from there.
 */
function salsaModuleUrl(): string {
  const beside = new URL('./noble-salsa.mjs', import.meta.url);
  if (existsSync(beside)) return beside.href;
  return pathToFileURL(createRequire(import.meta.url).resolve('@noble/ciphers/salsa.js')).href;
}

interface Reply {
  id: number;
  ok: boolean;
  buffer?: ArrayBuffer;
  offset?: number;
  length?: number;
}

export class BlockPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (b: Buffer | undefined) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private broken: Error | undefined;

  constructor(key: Uint8Array, size: number) {
    const salsaUrl = salsaModuleUrl();
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { salsaUrl, key: Array.from(key) } });
      worker.unref();
      worker.on('message', (reply: Reply) => {
        const job = this.waiting.get(reply.id);
        if (!job) return;
        this.waiting.delete(reply.id);
        if (this.waiting.size === 0) this.setRef(false);
        job.resolve(reply.ok ? Buffer.from(reply.buffer!, reply.offset!, reply.length!) : undefined);
      });
      worker.on('error', (error) => this.fail(error));
      this.workers.push(worker);
    }
  }

  /** Workers keep the process alive only while jobs are outstanding. */
  private setRef(on: boolean): void {
    for (const w of this.workers) if (on) w.ref(); else w.unref();
  }

  private fail(error: Error): void {
    this.broken = error;
    for (const job of this.waiting.values()) job.reject(error);
    this.waiting.clear();
  }

  /** Opens (or seals) one block; resolves undefined when authentication fails. */
  run(open: boolean, nonce: Uint8Array, block: Uint8Array): Promise<Buffer | undefined> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    const data = new Uint8Array(block); // a copy (Buffer#slice would be a view), transferred to the worker
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.setRef(true);
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, open, nonce: Uint8Array.from(nonce), data }, [data.buffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
