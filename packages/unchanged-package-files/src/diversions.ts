import { readFile } from 'node:fs/promises';

/** A dpkg diversion: files `from` shipped by any package but `by` are installed at `to`. */
export interface Diversion {
  to: string;
  /** The diverting package; `:` for a local diversion (made by the admin, applies to all). */
  by: string;
}

/**
 * Reads dpkg's `diversions` file: records of three lines (from, to, package). A missing file
 * means no diversions (a fresh admindir has none).
 */
export async function readDiversions(file: string): Promise<Map<string, Diversion>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const lines = text.split('\n');
  const diversions = new Map<string, Diversion>();
  for (let i = 0; i + 2 < lines.length; i += 3) {
    diversions.set(lines[i] ?? '', { to: lines[i + 1] ?? '', by: lines[i + 2] ?? '' });
  }
  return diversions;
}

/** Where package `pkg`'s file `path` really is on disk, after diversions. */
export function divertedPath(diversions: ReadonlyMap<string, Diversion>, path: string, pkg: string): string {
  const diversion = diversions.get(path);
  return diversion && diversion.by !== pkg ? diversion.to : path;
}
