import { resolve } from 'node:path';
import {
  countFlag,
  createLogger,
  DRY_RUN_FLAG,
  integerFlag,
  JSON_FLAG,
  parseArgv,
  parseRemoteArg,
  PROGRESS_FLAG,
  RCLONE_CONFIG_FLAG,
  timeFlag,
  toolParser,
  TOOLSET_VERSION,
  transfersFlag,
  UsageError,
  verbosityOf,
  type ToolIO,
} from '@rclone-b2/core';
import { encryptedRestore } from './command.js';
import type { RestoreMode } from './select.js';

export const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'encrypted-restore',
    version: VERSION,
    usage: '$0 (--all | --as-of TIME) [options] CRYPT-REMOTE:PATH TARGET\n\nRestore files from an rclone-crypt B2 bucket as they were at a moment, or every version of them.',
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      ...RCLONE_CONFIG_FLAG,
      ...transfersFlag('Parallel downloads'),
      ...PROGRESS_FLAG,
      'as-of': timeFlag('as-of', { description: 'Restore the versions current at this moment' }),
      all: { type: 'boolean', default: false, description: 'Restore every version (and mark deletions)' },
      links: { alias: 'l', type: 'boolean', default: true, description: 'Restore NAME.rclonelink objects (symlinks stored by rclone --links) as symlinks; --no-links keeps them as files' },
      retries: countFlag('retries', 'Attempts per file when B2 or the connection fails transiently', 3),
      'decrypt-workers': integerFlag('decrypt-workers', { min: 0, default: 1, description: 'Worker threads decrypting contents (0 = main thread)' }),
    },
    epilogue: [
      'TIME is ISO 8601 (2024-05-01, 2024-05-01T12:00:00Z; no zone = local time), @EPOCH-SECONDS,',
      'or a duration meaning "that long ago" (3d, 12h), as rclone --b2-version-at reads it.',
      '',
      '--as-of restores the version each file had at TIME (nothing for a file deleted then).',
      '--all restores every upload as rclone --b2-versions names it, NAME-vYYYY-MM-DD-HHMMSS-mmm.EXT',
      '(its upload time, UTC), and marks each deletion with a symlink named the same way -> /dev/null.',
      'Local names are the ones rclone copy writes (a remote name a␊b becomes a file a<LF>b).',
      'A symlink stored by rclone --links (object NAME.rclonelink) is restored as the symlink NAME,',
      'as rclone copy -l does; --no-links restores such objects as plain files.',
      '',
      'Every download is checked against B2\'s SHA-1 and every 64 KiB block against its crypt MAC;',
      'a file gets its final name only when both hold, with the original modification time.',
      'Re-running the same command skips files already restored (same size and mtime).',
      '',
      'EXAMPLES',
      '  encrypted-restore --as-of 2024-05-01T03:00:00Z secret:photos/2023 /srv/restore',
      '  encrypted-restore --all --transfers 8 secret:etc/nginx.conf /tmp/history',
    ].join('\n'),
  });
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options;
  const positional = o._.map(String);
  if (positional.length !== 2) throw new UsageError('expected CRYPT-REMOTE:PATH and TARGET');
  const [source, target] = positional as [string, string];
  // No bare REMOTE here: `secret` would be a local path to rclone, and a restore of the whole remote should be asked for as `secret:`.
  const { remoteName, path } = parseRemoteArg(source, 'CRYPT-REMOTE:PATH', false);
  if (remoteName === undefined) throw new UsageError('expected CRYPT-REMOTE:PATH and TARGET');
  const mode: RestoreMode | undefined = o.all ? (o.asOf === undefined ? { kind: 'all' } : undefined) : o.asOf === undefined ? undefined : { kind: 'as-of', at: o.asOf };
  if (mode === undefined) throw new UsageError('give exactly one of --all and --as-of TIME');
  const logger = createLogger({ tool: 'encrypted-restore', stream: io.stderr, verbosity: verbosityOf(o) });
  return encryptedRestore(
    {
      remoteName,
      path,
      target: resolve(io.cwd, target),
      configPath: o.rcloneConfig,
      mode,
      transfers: o.transfers,
      decryptWorkers: o.decryptWorkers,
      retries: o.retries,
      dryRun: o.dryRun,
      json: o.json,
      links: o.links,
      progress: !o.quiet && !o.dryRun && (o.progress || io.stderrIsTTY),
    },
    io,
    logger,
  );
}
