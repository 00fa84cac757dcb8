import { appendFile, writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { readLines } from '@rclone-b2/core';

/** FNV-1a: cheap, stable, spreads paths evenly over partitions. */
export function pathHash(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const FLUSH_AT = 64 * 1024;

/**
 * Lines spread over `count` files on disk by the hash of a path, so a join of two
 * tree-sized lists (the source listing and the ledger) only ever holds one partition
 * in memory. Writes are buffered per partition (at most count × 64 KiB in memory).
 */
export class PartitionSpool {
  private readonly buffers: string[];

  constructor(
    private readonly dir: string,
    private readonly name: string,
    readonly count: number,
  ) {
    this.buffers = Array.from({ length: count }, () => '');
  }

  static async create(dir: string, name: string, count: number): Promise<PartitionSpool> {
    const spool = new PartitionSpool(dir, name, count);
    await Promise.all(Array.from({ length: count }, (_, k) => writeFile(spool.file(k), '')));
    return spool;
  }

  file(k: number): string {
    return join(this.dir, `${this.name}-${k}.jsonl`);
  }

  async add(path: string, line: string): Promise<void> {
    const k = pathHash(path) % this.count;
    this.buffers[k] += `${line}\n`;
    if ((this.buffers[k] ?? '').length >= FLUSH_AT) await this.flushOne(k);
  }

  async flush(): Promise<void> {
    for (let k = 0; k < this.count; k++) await this.flushOne(k);
  }

  private async flushOne(k: number): Promise<void> {
    const text = this.buffers[k] ?? '';
    if (!text) return;
    this.buffers[k] = '';
    await appendFile(this.file(k), text);
  }

  /** The lines of partition k (call flush() first). */
  async *lines(k: number): AsyncGenerator<string> {
    for await (const line of readLines(createReadStream(this.file(k)))) if (line) yield line;
  }
}
