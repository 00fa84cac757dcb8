import type { B2FileVersion } from '../b2/types.js';

/**
 * Helpers over one name's history (versions newest first, as B2 lists them).
 *
 * Only `upload` and `hide` entries make up what a name shows: `start` entries are
 * unfinished large files (invisible until finished) and `folder` entries exist only in
 * delimiter listings, so both are ignored here.
 */
export function isVisibleKind(version: B2FileVersion): boolean {
  return version.action === 'upload' || version.action === 'hide';
}

/** The history without `start`/`folder` entries, newest first. */
export function visibleVersions(versions: readonly B2FileVersion[]): B2FileVersion[] {
  return versions.filter(isVisibleKind);
}

/** A live file's newest upload/hide entry is an upload; a deleted file's is a hide. */
export function isLive(history: { versions: readonly B2FileVersion[] }): boolean {
  for (const version of history.versions) {
    if (isVisibleKind(version)) return version.action === 'upload';
  }
  return false;
}

/** The current version of a live file (its newest upload), else undefined. */
export function currentVersion(history: { versions: readonly B2FileVersion[] }): B2FileVersion | undefined {
  for (const version of history.versions) {
    if (isVisibleKind(version)) return version.action === 'upload' ? version : undefined;
  }
  return undefined;
}

/**
 * When each version stopped being current: the upload time of the next newer upload or
 * hide of the same name; undefined for the newest one (still current, or the hide that
 * deleted the file). Aligned with `versions`; `start`/`folder` entries get undefined and
 * are skipped when looking for the next newer version.
 */
export function supersededTimes(versions: readonly B2FileVersion[]): (number | undefined)[] {
  const result: (number | undefined)[] = [];
  let newer: number | undefined;
  for (const version of versions) {
    if (!isVisibleKind(version)) {
      result.push(undefined);
      continue;
    }
    result.push(newer);
    newer = version.uploadTimestamp;
  }
  return result;
}

/** supersededTimes for one version of the history (by index). */
export function supersededAt(versions: readonly B2FileVersion[], index: number): number | undefined {
  const version = versions[index];
  if (!version || !isVisibleKind(version)) return undefined;
  for (let i = index - 1; i >= 0; i -= 1) {
    const newer = versions[i]!;
    if (isVisibleKind(newer)) return newer.uploadTimestamp;
  }
  return undefined;
}
