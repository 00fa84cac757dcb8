import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ProblemError, writeFileAtomically } from '@rclone-b2/core';
import { reasonOf } from '@rclone-b2/core';

export interface BackupState {
  /** Epoch seconds of the newest file at the last successful run (the `--newest` stamp). */
  stamp?: number;
  newest?: string;
  /** Size of the backup at the last verify (for the budget split). */
  bytes?: number;
  files?: number;
  lastRun?: string;
  exitCode?: number;
}

export const statePath = (dir: string, name: string): string => join(dir, `${name}.state.json`);

export interface ReadState {
  state: BackupState;
  /** Why an existing state file was not used (it is then started afresh, visibly). */
  problem?: string;
  /** Something worth saying about the state (an imported stamp). */
  notice?: string;
}

/** The original nightly script's stamp: STATE-DIR/NAME.stamp, its mtime the newest file's time at the last good run. */
export const legacyStampPath = (dir: string, name: string): string => join(dir, `${name}.stamp`);

/**
 * A state without a stamp takes the original script's `NAME.stamp` (`touch --date @NEWEST`
 * after a verified run, read back with `stat -c %Y`), so a user migrating from it keeps
 * verifying from where it left off instead of only the last day. Imported once: the
 * next state written carries the stamp; the old file is left alone.
 */
async function withLegacyStamp(dir: string, name: string, read: ReadState): Promise<ReadState> {
  if (read.state.stamp !== undefined) return read;
  const file = legacyStampPath(dir, name);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return read;
  const stamp = Math.floor(info.mtimeMs / 1000);
  const when = new Date(stamp * 1000).toISOString();
  return { ...read, state: { ...read.state, stamp }, notice: `imported the original nightly script's stamp ${file} (${when}): verifying files changed since then` };
}

/** The state of one backup; a missing file is a first run, a broken one is said so. */
export async function readState(dir: string, name: string): Promise<ReadState> {
  return withLegacyStamp(dir, name, await readStateFile(dir, name));
}

async function readStateFile(dir: string, name: string): Promise<ReadState> {
  const file = statePath(dir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: {} };
    return { state: {}, problem: `cannot read state file ${file}: ${reasonOf(error)}; verifying the last day only` };
  }
  try {
    const state: unknown = JSON.parse(text);
    if (typeof state === 'object' && state !== null && !Array.isArray(state)) return { state: state as BackupState };
  } catch {
    // Reported below, as a file that is not an object.
  }
  return { state: {}, problem: `state file ${file} is not valid JSON; verifying the last day only` };
}

export async function writeState(dir: string, name: string, state: BackupState): Promise<void> {
  const file = statePath(dir, name);
  await writeFileAtomically(file, `${JSON.stringify(state, null, 2)}\n`).catch((error: unknown) => {
    throw new ProblemError(`cannot write state file ${file}: ${reasonOf(error)}`, { cause: error });
  });
}
