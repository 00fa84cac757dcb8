import { writeWithBackpressure } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { listSource, type ListedFile } from './listing.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time as `YYYY-MM-DD HH:MM:SS`. */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The newest file not dated in the future (clock skew, bogus timestamps), or undefined. */
export async function findNewest(config: BackupConfig, ctx: BackupContext, copyLinks: boolean): Promise<ListedFile | undefined> {
  const now = ctx.now();
  let newest: ListedFile | undefined;
  await listSource(config, ctx, { copyLinks }, (file) => {
    if (file.mtimeMs > now) return;
    if (!newest || file.mtimeMs > newest.mtimeMs || (file.mtimeMs === newest.mtimeMs && file.path < newest.path)) newest = file;
  });
  return newest;
}

/** The stamp: the newest file's time in epoch seconds. */
export const stampOf = (file: ListedFile): number => Math.floor(file.mtimeMs / 1000);

/** `2024-05-01 12:00:00 (@1714564800) path/to/file`. */
export const newestLine = (file: ListedFile): string => `${formatLocalTime(file.mtimeMs)} (@${stampOf(file)}) ${file.path}`;

/** `--newest`: prints newestLine, or warns that there is no such file. */
export async function printNewest(config: BackupConfig, ctx: BackupContext, copyLinks: boolean): Promise<ListedFile | undefined> {
  const newest = await findNewest(config, ctx, copyLinks);
  if (newest) {
    await writeWithBackpressure(ctx.io.stdout, `${newestLine(newest)}\n`);
  } else {
    ctx.logger.warn(`no files in ${config.source} (with the filters) are dated in the past`);
  }
  return newest;
}
