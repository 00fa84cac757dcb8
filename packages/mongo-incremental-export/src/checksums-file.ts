import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readLines, writeFileAtomically } from '@rclone-b2/core';

/**
 * The per-collection `checksums` file: a header line, then one `KEY<TAB>SHA256` line per
 * document, sorted by key (byte order). Plain text so any tool can read it, streamable
 * line by line, and replaced atomically (temp file, fsync, rename, fsync of the directory).
 *
 * `checksums.journal` lists keys whose files this run is about to write or delete. It
 * exists only while a run is changing the collection: a run killed midway leaves it
 * behind, and the next run treats those keys as unknown (their files are re-checked).
 * Both must be excluded from backups: they are not needed for a restore.
 *
 * In memory a digest is the 32 raw bytes as a latin1 string (half the size of hex), and
 * every key and digest is a fresh flat string: slices of the file's lines would keep
 * whole lines alive. This map is the exporter's only per-document memory.
 */
export const CHECKSUMS_NAME = 'checksums';
export const JOURNAL_NAME = 'checksums.journal';
export const TEMP_PREFIX = 'checksums.tmp';
export const CHECKSUMS_HEADER = '# mongo-incremental-export checksums v1: id-key<TAB>sha256-of-bson';

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'ENOENT';
}

async function* fileLines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path);
  try {
    yield* readLines(stream);
  } catch (error) {
    if (!isMissing(error)) throw error;
  } finally {
    stream.destroy();
  }
}

/** Reads a checksums file into a map key → binary digest; a missing file is an empty map. */
export async function readChecksums(path: string): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for await (const line of fileLines(path)) {
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    const hex = line.slice(tab + 1);
    if (tab <= 0 || !/^[0-9a-f]{64}$/.test(hex)) continue; // a damaged line only costs a re-check
    map.set(Buffer.from(line.slice(0, tab), 'latin1').toString('latin1'), Buffer.from(hex, 'hex').toString('latin1'));
  }
  return map;
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Atomically replaces the checksums file at `path` with `map` (key → binary digest), sorted by key. */
export async function writeChecksums(path: string, map: ReadonlyMap<string, string>): Promise<void> {
  const keys = [...map.keys()].sort(compareKeys);
  function* lines(): Generator<string> {
    yield `${CHECKSUMS_HEADER}\n`;
    for (const key of keys) yield `${key}\t${Buffer.from(map.get(key)!, 'latin1').toString('hex')}\n`;
  }
  await writeFileAtomically(path, lines(), { tempPath: join(dirname(path), `${TEMP_PREFIX}.${process.pid}`) });
}

/** Keys listed in a journal left by an interrupted run. */
export async function readJournal(path: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const line of fileLines(path)) if (line !== '') keys.add(line);
  return keys;
}

/** Appends keys to the journal before their files are touched (one write per batch). */
export class Journal {
  private handle: Awaited<ReturnType<typeof open>> | undefined;
  constructor(private readonly path: string) {}

  async add(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    this.handle ??= await open(this.path, 'a');
    await this.handle.write(`${keys.join('\n')}\n`);
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  async remove(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }
}
