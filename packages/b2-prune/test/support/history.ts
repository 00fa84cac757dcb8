import type { B2FileVersion } from '@rclone-b2/core';

export const DAY = 86_400_000;
let counter = 0;

/**
 * Builds a history (newest first) from events written oldest first as
 * `[daysAgo, 'u' | 'h' | 's']` relative to `now`.
 */
export function history(now: number, events: readonly (readonly [number, 'u' | 'h' | 's'])[], name = 'f'): B2FileVersion[] {
  return events
    .map(([daysAgo, kind]) => {
      counter += 1;
      const action = kind === 'u' ? 'upload' : kind === 'h' ? 'hide' : 'start';
      return {
        fileId: `id${counter}_${daysAgo}${kind}`,
        fileName: name,
        action,
        contentLength: kind === 'u' ? 100 : 0,
        contentSha1: null,
        contentType: null,
        uploadTimestamp: Math.round(now - daysAgo * DAY),
        fileInfo: {},
      } satisfies B2FileVersion;
    })
    .sort((a, b) => b.uploadTimestamp - a.uploadTimestamp);
}

/** Daily uploads from `days` days ago up to today (hour offset avoids window boundaries). */
export function daily(days: number, offsetHours = 1): [number, 'u'][] {
  const events: [number, 'u'][] = [];
  for (let d = days; d >= 0; d--) events.push([d + offsetHours / 24, 'u']);
  return events;
}
