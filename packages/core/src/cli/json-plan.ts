import type { Writable } from 'node:stream';
import { writeWithBackpressure } from '../text/lines.js';

/**
 * One JSON document on stdout for a tool's --json run, written as it goes (a plan can be
 * millions of items): `{"dryRun":true,"items":[{...},...],"summary":{...}}`. Items are
 * only written in a dry run (the plan); a real run's document is the summary.
 */
export interface JsonPlanWriter {
  item(entry: object): Promise<void>;
  finish(summary: object): Promise<void>;
}

export function jsonPlanWriter(out: Writable, dryRun: boolean): JsonPlanWriter {
  let started = false;
  let count = 0;
  const start = async (): Promise<void> => {
    if (started) return;
    started = true;
    await writeWithBackpressure(out, `{"dryRun":${dryRun}${dryRun ? ',"items":[' : ''}`);
  };
  return {
    async item(entry) {
      if (!dryRun) return;
      await start();
      await writeWithBackpressure(out, `${count === 0 ? '\n' : ',\n'}${JSON.stringify(entry)}`);
      count += 1;
    },
    async finish(summary) {
      await start();
      await writeWithBackpressure(out, `${dryRun ? `${count > 0 ? '\n' : ''}]` : ''},"summary":${JSON.stringify(summary)}}\n`);
    },
  };
}
