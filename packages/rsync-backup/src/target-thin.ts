import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { acquirePidLock, formatWindow, thinSnapshots, writeWithBackpressure, type Policy, type SnapshotVerdict, type ToolIO } from '@rclone-b2/core';
import { listArea, type Snapshot } from './target-area.js';

export interface ThinOptions {
  areas: string[];
  policy: Policy;
  now: number;
  dryRun: boolean;
  json: boolean;
}

export interface ThinDecision {
  area: string;
  snapshot: string;
  keep: boolean;
  reason: string;
}

const RULES = { current: 'newest snapshot (rule 1)', window: 'newest or oldest in its window (rule 3)', last: 'one of the last=N newest', 'live-only': 'in a "?" window', 'too-old': 'older than the last window (rule 5)' } as const;

function reasonOf(verdict: SnapshotVerdict<Snapshot>): string {
  const window = verdict.window ? ` ${formatWindow(verdict.window)}` : '';
  if (!verdict.keep && verdict.rule === 'window') return `neither newest nor oldest in window${window} (rule 3)`;
  return `${RULES[verdict.rule]}${window}`;
}

/**
 * Thins each host's snapshots with the shared retention rules (b2-prune's for a file's old
 * versions: a snapshot is the tree's version until the next one replaced it). Runs on the
 * target as root, so the source's key never needs to delete. Prints `keep|delete PATH:
 * reason` per snapshot, oldest first, or with --json one object at the end.
 */
export async function thinAreas(options: ThinOptions, io: ToolIO): Promise<ThinDecision[]> {
  const all: ThinDecision[] = [];
  for (const area of options.areas) {
    // The receiver's lock: never delete the snapshot a transfer is hard-linking from.
    const release = await acquirePidLock(join(area, '.receive.lock'), (pid) => `a snapshot is being received into ${area} (process ${pid}); thin later`);
    try {
      const { complete, partial } = await listArea(area);
      const newest = complete.at(-1)?.time ?? Number.POSITIVE_INFINITY;
      // A .partial older than the newest complete snapshot is an interrupted run no one will resume.
      const stale = partial.filter((p) => p.time < newest).map((p) => ({ name: p.name, keep: false, reason: 'incomplete (an interrupted run), older than the newest snapshot' }));
      const verdicts = thinSnapshots(complete, (s) => s.time, options.policy, options.now)
        .reverse()
        .map((v) => ({ name: v.item.name, keep: v.keep, reason: reasonOf(v) }));
      for (const verdict of [...stale, ...verdicts]) {
        const decision = { area, snapshot: verdict.name, keep: verdict.keep, reason: verdict.reason };
        all.push(decision);
        if (!decision.keep && !options.dryRun) await rm(join(area, decision.snapshot), { recursive: true });
        const verb = decision.keep ? 'keep' : options.dryRun ? 'would delete' : 'delete';
        if (!options.json) await writeWithBackpressure(io.stdout, `${verb} ${join(area, decision.snapshot)}: ${decision.reason}\n`);
      }
    } finally {
      await release();
    }
  }
  if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify({ policy: options.policy.spec, dryRun: options.dryRun, snapshots: all })}\n`);
  return all;
}
