/**
 * Snapshot directories are named by their UTC start time, `2026-12-05T031500Z`: sortable as
 * text, valid on every file system, and the time the retention rules measure from.
 */
export const SNAPSHOT_NAME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function snapshotName(time: number): string {
  const iso = new Date(time).toISOString();
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** The time a snapshot name stands for, or undefined when it is not one. */
export function snapshotTime(name: string): number | undefined {
  const m = SNAPSHOT_NAME.exec(name);
  if (!m) return undefined;
  const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return snapshotName(time) === name ? time : undefined;
}

/** A snapshot being received; renamed to its name once rsync succeeded. */
export const PARTIAL_SUFFIX = '.partial';
