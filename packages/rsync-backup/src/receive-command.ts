import { UsageError } from '@rclone-b2/core';
import { SNAPSHOT_NAME } from './snapshot-name.js';

export interface ReceiveRequest {
  /** rsync's packed short options, e.g. `-lHogDtprRe.iLsfxCIvu`. */
  flags: string;
  longOptions: string[];
  snapshot: string;
}

// Short options a pushing client may send: archive bits, hard links, relative paths,
// one-file-system, dry run, verbosity, compression, checksum, whole-file, sparse. Anything
// else (a sender's options, --inplace, --delete…, --remove-source-files) is refused.
const SHORT = /^-[lHogDtprRxnvzcWS]+(?:e\.[A-Za-z]*)?$/;
const LONG = new Set(['--numeric-ids', '--stats']);

/**
 * Parses the command the client's rsync sent ($SSH_ORIGINAL_COMMAND): only the exact
 * receiving server command line that `rsync-backup` produces is accepted, so a stolen key
 * can write one new snapshot and nothing else: no --sender (reading), no deleting options,
 * no path but a snapshot name.
 */
export function parseReceiveCommand(command: string | undefined): ReceiveRequest {
  if (!command) throw new UsageError('no command: this key only accepts rsync-backup\'s rsync transfer (no shell)');
  const words = command.split(' ');
  const refuse = (why: string): never => {
    throw new UsageError(`refused command (${why}): this key only accepts rsync-backup's rsync transfer`);
  };
  if (words[0] !== 'rsync' || words[1] !== '--server') refuse('not an rsync server command');
  if (words.includes('--sender')) refuse('reading is not allowed');
  const flags = words[2] ?? '';
  if (!SHORT.test(flags)) refuse(`options ${flags}`);
  const rest = words.slice(3);
  const longOptions: string[] = [];
  while (rest.length > 0 && rest[0]!.startsWith('--')) {
    const option = rest.shift()!;
    if (!LONG.has(option)) refuse(`option ${option}`);
    longOptions.push(option);
  }
  if (rest.length !== 2 || rest[0] !== '.') refuse('expected ". SNAPSHOT/"');
  const snapshot = rest[1]!.replace(/\/$/, '');
  if (!SNAPSHOT_NAME.test(snapshot)) refuse(`destination ${rest[1]} is not a snapshot name`);
  return { flags, longOptions, snapshot };
}
