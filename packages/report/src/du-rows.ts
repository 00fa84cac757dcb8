import { Writable } from 'node:stream';
import { writeDuReport, type DuTree } from '@rclone-b2/core';

export interface DuRow {
  path: string;
  size: number;
  dir: boolean;
}

/**
 * Every path of a finished du tree, largest first (ties by path, so a directory always
 * comes before what it holds), read through core's public report API (its JSON printer,
 * one object a line) so the report never depends on the tree's internals. The one place
 * to re-point if core exports a row iterator.
 */
export async function forEachDuRow(tree: DuTree, visit: (row: DuRow) => void): Promise<void> {
  let pending = '';
  // Lines are `{"path":"...","size":N,"dir":true}` (with a leading `[` or `,`): read from
  // the end, and JSON-decode the path only when it has escapes (a fast path for 1M rows).
  const take = (line: string): void => {
    const sizeAt = line.lastIndexOf(',"size":');
    if (sizeAt < 0) return; // the array's brackets
    const dirAt = line.indexOf(',"dir":', sizeAt);
    const start = line.indexOf('"path":') + 7;
    const quoted = line.slice(start, sizeAt);
    const path = quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
    visit({ path, size: Number(line.slice(sizeAt + 8, dirAt)), dir: line.startsWith('true', dirAt + 7) });
  };
  const sink = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      try {
        const text = pending + chunk.toString();
        const lines = text.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) take(line);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  await writeDuReport(tree, sink, { format: 'json' });
  take(pending);
}

/** The directory holding `path` ('' is the top; '/' the filesystem root, as the du tree names it). */
export function parentOf(path: string): string {
  if (path === '/') return '';
  const slash = path.lastIndexOf('/');
  if (slash < 0) return '';
  return slash === 0 ? '/' : path.slice(0, slash);
}

/** The last component of `path`. */
export function baseName(path: string): string {
  return path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
}
