import { access, constants, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { ConfigError, writeFileAtomically, writeWithBackpressure } from '@rclone-b2/core';
import type { ReportData } from './data.js';
import { htmlReport } from './render.js';

/**
 * Fails early (before a long listing) when `target` cannot be written: a missing or
 * unwritable directory, or a directory named as the file. `-` is stdout.
 */
export async function checkHtmlTarget(target: string, cwd: string): Promise<void> {
  if (target === '-') return;
  const path = resolve(cwd, target);
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    throw new ConfigError(`cannot write ${target}: ${reason(error)}`, undefined, { cause: error });
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new ConfigError(`cannot write ${target}: is a directory`);
}

/** Writes the page to `target` (replaced atomically), or to `stdout` for `-`. */
export async function writeHtmlReport(target: string, cwd: string, stdout: Writable, data: ReportData): Promise<void> {
  if (target === '-') {
    for (const piece of htmlReport(data)) await writeWithBackpressure(stdout, piece);
    return;
  }
  try {
    await writeFileAtomically(resolve(cwd, target), htmlReport(data));
  } catch (error) {
    throw new ConfigError(`cannot write ${target}: ${reason(error)}`, undefined, { cause: error });
  }
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
