import { readdir } from 'node:fs/promises';
import { PARTIAL_SUFFIX, snapshotTime } from './snapshot-name.js';

export interface Snapshot {
  name: string;
  time: number;
}

/** The complete snapshots in a host's area, oldest first (partial ones and other names left out). */
export async function listSnapshots(area: string): Promise<Snapshot[]> {
  const entries = await readdir(area, { withFileTypes: true });
  const snapshots: Snapshot[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.endsWith(PARTIAL_SUFFIX)) continue;
    const time = snapshotTime(entry.name);
    if (time !== undefined) snapshots.push({ name: entry.name, time });
  }
  return snapshots.sort((a, b) => a.time - b.time);
}
