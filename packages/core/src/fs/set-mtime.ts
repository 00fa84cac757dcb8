import { lutimes, utimes } from 'node:fs/promises';

/**
 * Node hands times to the kernel as a double of seconds, truncated to nanoseconds, so
 * 1733400000.712 s can land at .711999999: a millisecond early for anything that floors
 * (rclone, a drill comparing milliseconds). Half a microsecond more lands inside the
 * intended millisecond.
 */
export const secondsOfMs = (ms: number): number => (ms + 0.0005) / 1000;

/** Sets atime and mtime to `ms` milliseconds since the epoch (of a symlink itself with `link`). */
export async function setMtimeMs(path: string | Buffer, ms: number, options: { link?: boolean } = {}): Promise<void> {
  const seconds = secondsOfMs(ms);
  await (options.link ? lutimes(path, seconds, seconds) : utimes(path, seconds, seconds));
}
