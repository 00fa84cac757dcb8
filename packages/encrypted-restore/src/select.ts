import { isVisibleKind, versionedPath, type B2FileVersion } from '@rclone-b2/core';

/** What to put where, relative to TARGET. */
export type RestoreItem =
  | { kind: 'file'; target: string; version: B2FileVersion }
  | { kind: 'deletion'; target: string; version: B2FileVersion };

export type RestoreMode = { kind: 'as-of'; at: number } | { kind: 'all' };

/**
 * Chooses what to restore of one file (versions newest first). `as-of`: the version
 * current at that moment, as `rclone --b2-version-at` picks it (the newest with an upload
 * time at or before the moment; nothing if that is a hide marker or there is none).
 * `all`: every upload under rclone's `--b2-versions` name (`NAME-vYYYY-MM-DD-HHMMSS-mmm.EXT`,
 * the upload time in UTC), and every hide marker as a deletion mark named the same way.
 */
export function selectVersions(relative: string, versions: readonly B2FileVersion[], mode: RestoreMode): RestoreItem[] {
  if (mode.kind === 'as-of') {
    const current = versions.find((v) => v.uploadTimestamp <= mode.at && isVisibleKind(v));
    return current?.action === 'upload' ? [{ kind: 'file', target: relative, version: current }] : [];
  }
  const items: RestoreItem[] = [];
  for (const version of versions) {
    const target = versionedPath(relative, version.uploadTimestamp);
    if (version.action === 'upload') items.push({ kind: 'file', target, version });
    else if (version.action === 'hide') items.push({ kind: 'deletion', target, version });
  }
  return items;
}

/** Refuses names that would escape TARGET (a hostile or corrupt bucket could hold `..`). */
export function isSafeRelative(relative: string): boolean {
  // A scan rather than split('/'): it runs for each of millions of versions in an --all plan.
  if (relative.length === 0) return false;
  for (let start = 0; ; ) {
    const slash = relative.indexOf('/', start);
    const end = slash < 0 ? relative.length : slash;
    const dots = relative.startsWith('..', start) ? 2 : relative.startsWith('.', start) ? 1 : 0;
    if (end === start || end - start === dots) return false;
    if (slash < 0) return true;
    start = slash + 1;
  }
}
