import { visibleVersions, type B2FileVersion } from '@rclone-b2/core';

export interface RecoverCriteria {
  /** Only files hidden (newest hide marker) strictly after this moment (ms). */
  hiddenAfter?: number;
}

/**
 * The hide markers to delete so a deleted file's last upload becomes current again:
 * every hide marker above the newest upload (normally just one). Nothing when the file
 * is live, when there is no upload left to bring back, or when it was hidden too early.
 */
export function hideMarkersToRemove(versions: readonly B2FileVersion[], criteria: RecoverCriteria = {}): B2FileVersion[] {
  const real = visibleVersions(versions);
  const newestUpload = real.findIndex((v) => v.action === 'upload');
  if (newestUpload <= 0) return [];
  const hides = real.slice(0, newestUpload);
  if (criteria.hiddenAfter !== undefined && hides[0]!.uploadTimestamp <= criteria.hiddenAfter) return [];
  return hides;
}
