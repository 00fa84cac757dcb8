import type { RsyncBackupConfig } from './config.js';

/**
 * rsync splits its -e value into words itself (no shell is involved): a word with spaces or
 * quotes is wrapped in single quotes, and a single quote is written as '\'' would be by a
 * shell, which rsync's splitter does not know, so such a path is refused by the caller.
 */
function rsyncWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word}'`;
}

/** The ssh command rsync runs: batch mode (a missing key fails at once instead of asking). */
export function sshCommand(config: RsyncBackupConfig): string[] {
  return [
    'ssh',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    ...(config.sshKey ? ['-i', config.sshKey, '-o', 'IdentitiesOnly=yes'] : []),
    ...(config.knownHosts ? ['-o', `UserKnownHostsFile=${config.knownHosts}`] : []),
    ...(config.sshPort ? ['-p', String(config.sshPort)] : []),
  ];
}

export function sshOption(config: RsyncBackupConfig): string {
  return sshCommand(config).map(rsyncWord).join(' ');
}

/** Which words cannot go into rsync's -e (a single quote inside a word). */
export function unquotableSshWord(config: RsyncBackupConfig): string | undefined {
  return sshCommand(config).find((word) => word.includes("'"));
}

/** The selection: --relative keeps every source under its full path; excludes as given. */
export function selectionArgs(config: RsyncBackupConfig): string[] {
  return [
    '--relative',
    ...(config.oneFileSystem ? ['--one-file-system'] : []),
    ...config.excludeFrom.flatMap((file) => ['--exclude-from', file]),
    ...config.excludes.flatMap((pattern) => ['--exclude', pattern]),
  ];
}

/**
 * The transfer: archive mode with hard links and numeric ids into a new snapshot named by
 * its start time. No --delete (the snapshot directory is new every night) and no
 * --link-dest: the target's forced command adds it, pointing at its own latest snapshot.
 */
export function transferArgs(config: RsyncBackupConfig, snapshot: string, dryRun: boolean): string[] {
  return [
    '-aH',
    '--numeric-ids',
    '--stats',
    ...(dryRun ? ['--dry-run'] : []),
    ...selectionArgs(config),
    '-e',
    sshOption(config),
    ...config.sources,
    `${config.user}@${config.host}:${snapshot}/`,
  ];
}
