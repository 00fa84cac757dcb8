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
  sizeFlag,
  stringFlag,
  timeFlag,
  toolParser,
  TOOLSET_VERSION,
  transfersFlag,
  UsageError,
  verbosityOf,
  type ToolIO,
} from '@rclone-b2/core';
import type { RestoreMode } from './select.js';

export const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'encrypted-restore',
    version: VERSION,
    usage: '$0 (--all | --as-of TIME) [options] CRYPT-REMOTE:PATH TARGET\n       $0 --drill N [--drill-size SIZE] [--source DIR] [options] CRYPT-REMOTE:PATH\n\nRestore files from an rclone-crypt B2 bucket as they were at a moment, or every version of them.',
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
      drill: countFlag('drill', 'Restore drill: restore N current files (least recently drilled first) to a temporary directory, check, time, remove'),
      'drill-size': sizeFlag('drill-size', { description: 'Restore drill: about this many bytes (with or without --drill N)' }),
      source: stringFlag({ description: 'Restore drill: compare the restored files with this directory (the backup source)' }),
      ledger: stringFlag({ description: 'Restore drill: when each file was last drilled (default $XDG_STATE_HOME/encrypted-restore/drill-REMOTE.ledger)' }),
      'temp-dir': stringFlag({ description: 'Restore drill: where the temporary copy goes (default: the system temp directory)' }),
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
      'Any other file already at a restored name is replaced, as rclone copy does, with a notice',
      '(`replaced PATH (it differed from the backup)`) and a count in the summary.',
      '',
      'EXAMPLES',
      '  encrypted-restore --as-of 2024-05-01T03:00:00Z secret:photos/2023 /srv/restore',
      '  encrypted-restore --all --transfers 8 secret:etc/nginx.conf /tmp/history',
    ].join('\n'),
  });
}

/** What a drill needs of the parsed flags. */
interface DrillFlags {
  all: boolean;
  asOf?: number | undefined;
  dryRun: boolean;
  drill?: number | undefined;
  drillSize?: number | undefined;
}

/** `--drill N` / `--drill-size SIZE CRYPT-REMOTE:PATH`: checks the arguments of a restore drill and returns its remote and path. */
function drillTarget(o: DrillFlags, positional: string[]): { remoteName: string; path: string } {
  if (positional.length !== 1) throw new UsageError('a drill takes CRYPT-REMOTE:PATH only (it restores into a temporary directory)');
  if (o.all || o.asOf !== undefined || o.dryRun) throw new UsageError('--drill restores the current files; it does not go with --all, --as-of or --dry-run');
  if (o.drill === 0 || o.drillSize === 0) throw new UsageError('a drill of nothing: give --drill N or --drill-size SIZE above 0');
  const { remoteName, path } = parseRemoteArg(positional[0], 'CRYPT-REMOTE:PATH', false);
  if (remoteName === undefined) throw new UsageError('expected CRYPT-REMOTE:PATH');
  return { remoteName, path };
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options;
  const positional = o._.map(String);
  if (o.drill !== undefined || o.drillSize !== undefined) {
    const { remoteName, path } = drillTarget(o, positional);
    const at = (p: string | undefined): string | undefined => (p === undefined ? undefined : resolve(io.cwd, p));
    // Loaded only to run: --help, --version and usage errors never evaluate the command's code (start-up).
    const { encryptedRestoreDrill } = await import('./drill-command.js');
    return encryptedRestoreDrill(
      {
        remoteName,
        path,
        configPath: o.rcloneConfig,
        files: o.drill,
        bytes: o.drillSize,
        source: at(o.source),
        ledger: at(o.ledger),
        tempDir: at(o.tempDir),
        transfers: o.transfers,
        decryptWorkers: o.decryptWorkers,
        retries: o.retries,
        json: o.json,
      },
      io,
      createLogger({ tool: 'encrypted-restore', stream: io.stderr, verbosity: verbosityOf(o) }),
    );
  }
  if (o.source !== undefined || o.ledger !== undefined || o.tempDir !== undefined) throw new UsageError('--source, --ledger and --temp-dir go with --drill N or --drill-size SIZE');
  if (positional.length !== 2) throw new UsageError('expected CRYPT-REMOTE:PATH and TARGET');
  const [source, target] = positional as [string, string];
  // No bare REMOTE here: `secret` would be a local path to rclone, and a restore of the whole remote should be asked for as `secret:`.
  const { remoteName, path } = parseRemoteArg(source, 'CRYPT-REMOTE:PATH', false);
  if (remoteName === undefined) throw new UsageError('expected CRYPT-REMOTE:PATH and TARGET');
  const mode: RestoreMode | undefined = o.all ? (o.asOf === undefined ? { kind: 'all' } : undefined) : o.asOf === undefined ? undefined : { kind: 'as-of', at: o.asOf };
  if (mode === undefined) throw new UsageError('give exactly one of --all and --as-of TIME');
  const logger = createLogger({ tool: 'encrypted-restore', stream: io.stderr, verbosity: verbosityOf(o) });
  // Loaded only to run: --help, --version and usage errors never evaluate the command's code (start-up).
  const { encryptedRestore } = await import('./command.js');
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
