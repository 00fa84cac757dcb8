import { ConfigError } from '../cli/errors.js';
import { parseSize } from '../text/sizes.js';
import { quoteForMessage } from '../text/quote-for-message.js';

/** One limit of `max_delete`: a count, a percentage of the destination's files, or bytes. */
export type DeleteLimit = { kind: 'count'; value: number } | { kind: 'percent'; value: number } | { kind: 'bytes'; value: number };

/** `max_delete = 50%, 1000, 10G` (every limit must hold) or `off`; errors name `where`. */
export function parseMaxDelete(value: string, where: string): DeleteLimit[] {
  if (/^(off|none|unlimited)$/i.test(value.trim())) return [];
  return value.split(',').map((part) => {
    const text = part.trim();
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
    if (percent) {
      // More than everything can never trip: a typo, not a limit.
      if (Number(percent[1]) > 100) throw new ConfigError(`max_delete: ${quoteForMessage(text)} is more than all of the files and could never refuse anything; use off to allow any deletion`, where);
      return { kind: 'percent', value: Number(percent[1]) } as const;
    }
    if (/^\d+$/.test(text)) return { kind: 'count', value: Number(text) } as const;
    try {
      return { kind: 'bytes', value: parseSize(text) } as const;
    } catch {
      throw new ConfigError(`max_delete: expected a count, N%, a size like 10G, or off; got ${quoteForMessage(text)}`, where);
    }
  });
}

export interface PlannedDeletes {
  files: number;
  bytes: number;
  /** Files in the destination (what a percentage is of). */
  destinationFiles: number;
  examples: string[];
}

/** The first limit of max_delete that the planned deletions break, as a sentence; undefined if none. */
export function deleteLimitBroken(limits: readonly DeleteLimit[], plan: PlannedDeletes): string | undefined {
  for (const limit of limits) {
    if (limit.kind === 'count' && plan.files > limit.value) return `${plan.files} files (max_delete ${limit.value})`;
    if (limit.kind === 'bytes' && plan.bytes > limit.value) return `${plan.bytes} bytes (max_delete ${limit.value} bytes)`;
    if (limit.kind === 'percent' && plan.files > 0) {
      const percent = (100 * plan.files) / Math.max(plan.destinationFiles, 1);
      if (percent > limit.value) return `${plan.files} of ${plan.destinationFiles} files, ${percent.toFixed(1)}% (max_delete ${limit.value}%)`;
    }
  }
  return undefined;
}
