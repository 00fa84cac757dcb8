import { visibleVersions, type B2FileVersion } from '@rclone-b2/core';

/**
 * The versions of one file to delete, oldest first: its old versions and hide markers
 * (for a deleted file: all of them), or with `purge` everything. Oldest first means an
 * upload always goes before the hide marker that covers it, so stopping at any point
 * never makes a deleted file visible again. Unfinished large files (`start`) are left
 * to b2-prune.
 */
export function versionsToDelete(versions: readonly B2FileVersion[], purge: boolean): B2FileVersion[] {
  const real = visibleVersions(versions);
  const doomed = purge || real[0]?.action !== 'upload' ? real : real.slice(1);
  return [...doomed].reverse();
}
