import { mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where file contents live: memory, or one file per blob under `<dataDir>/blobs`. */
export interface BlobStore {
  put(key: string, data: Buffer): void;
  get(key: string): Buffer | undefined;
  delete(key: string): void;
}

export function memoryBlobs(): BlobStore {
  const blobs = new Map<string, Buffer>();
  return {
    put: (key, data) => void blobs.set(key, data),
    get: (key) => blobs.get(key),
    delete: (key) => void blobs.delete(key),
  };
}

export function diskBlobs(dataDir: string): BlobStore {
  const dir = join(dataDir, 'blobs');
  mkdirSync(dir, { recursive: true });
  const path = (key: string): string => join(dir, key.replace(/[^A-Za-z0-9_.-]/g, '_'));
  return {
    put: (key, data) => writeFileSync(path(key), data),
    get: (key) => (existsSync(path(key)) ? readFileSync(path(key)) : undefined),
    delete: (key) => rmSync(path(key), { force: true }),
  };
}

/** Append-only JSONL record of every change, replayed at start-up. */
export interface Journal {
  append(entry: object): void;
  replay(): object[];
}

export function noJournal(): Journal {
  return { append: () => undefined, replay: () => [] };
}

export function fileJournal(dataDir: string): Journal {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'index.jsonl');
  return {
    append: (entry) => appendFileSync(file, `${JSON.stringify(entry)}\n`),
    replay: () => {
      if (!existsSync(file)) return [];
      const lines = readFileSync(file, 'utf8').split('\n');
      const out: object[] = [];
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          out.push(JSON.parse(line) as object);
        } catch {
          // A torn last line after a crash: ignore it.
        }
      }
      return out;
    },
  };
}
