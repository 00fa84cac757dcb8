import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, isSystemError, reasonOf, writeFileAtomically } from '@rclone-b2/core';
import type { SourceCount } from './source-count.js';

/** What the last successful run sent: the max_delete guard compares with it. */
export interface LastRun extends SourceCount {
  snapshot: string;
}

const stateFile = (dir: string, name: string): string => join(dir, `${name}.last.json`);

/** The last run, undefined before the first; an unreadable state is an error (the guard would be off). */
export async function readLastRun(dir: string, name: string): Promise<LastRun | undefined> {
  const file = stateFile(dir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isSystemError(error) && error.code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the state file ${file}: ${reasonOf(error)}`, undefined, { cause: error });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'files' in value && 'bytes' in value && 'snapshot' in value) {
      const { files, bytes, snapshot } = value;
      if (typeof files === 'number' && typeof bytes === 'number' && typeof snapshot === 'string') return { files, bytes, snapshot };
    }
  } catch {
    // reported below
  }
  throw new ConfigError(`the state file ${file} is damaged; delete it to start the max_delete guard afresh`);
}

export async function writeLastRun(dir: string, name: string, run: LastRun): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomically(stateFile(dir, name), `${JSON.stringify(run)}\n`);
}
