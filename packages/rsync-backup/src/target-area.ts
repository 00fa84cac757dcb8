import { readdir } from 'node:fs/promises';
import { PARTIAL_SUFFIX, snapshotTime } from './snapshot-name.js';

export interface Snapshot {
  name: string;
  time: number;
}

/** The complete snapshots in a host's area, oldest first (partial ones and other names left out). */
export async function listSnapshots(area: string): Promise<Snapshot[]> {
  return (await listArea(area)).complete;
}

/** Complete snapshots and the `.partial` ones interrupted runs left, each oldest first. */
export async function listArea(area: string): Promise<{ complete: Snapshot[]; partial: Snapshot[] }> {
  const entries = await readdir(area, { withFileTypes: true });
  const complete: Snapshot[] = [];
  const partial: Snapshot[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const isPartial = entry.name.endsWith(PARTIAL_SUFFIX);
    const time = snapshotTime(isPartial ? entry.name.slice(0, -PARTIAL_SUFFIX.length) : entry.name);
    if (time !== undefined) (isPartial ? partial : complete).push({ name: entry.name, time });
  }
  const byTime = (a: Snapshot, b: Snapshot): number => a.time - b.time;
  return { complete: complete.sort(byTime), partial: partial.sort(byTime) };
}
