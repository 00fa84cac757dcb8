import { resolve } from 'node:path';
import { createLogger, parseArgv, parseTime, toolParser, UsageError, verbosityOf, type ToolIO, positiveInteger } from '@rclone-b2/core';
import { encryptedRestore } from './command.js';
import type { RestoreMode } from './select.js';

import { TOOLSET_VERSION } from '@rclone-b2/core';
export const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'encrypted-restore',
    version: VERSION,
    usage: '$0 (--all | --as-of TIME) [options] CRYPT-REMOTE:PATH TARGET\n\nRestore files from an rclone-crypt B2 bucket as they were at a moment, or every version of them.',
    dryRun: true,
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
  })
    .option('as-of', { type: 'string', description: 'Restore the versions current at this moment' })
    .option('all', { type: 'boolean', default: false, description: 'Restore every version (and mark deletions)' })
    .option('links', { alias: 'l', type: 'boolean', default: true, description: 'Restore NAME.rclonelink objects (symlinks stored by rclone --links) as symlinks; --no-links keeps them as files' })
    .option('rclone-config', { alias: 'config', type: 'string', description: 'rclone.conf to read (default: as rclone finds it)' })
    .option('transfers', { type: 'number', default: 4, description: 'Parallel downloads' })
    .option('retries', { type: 'number', default: 3, description: 'Attempts per file when B2 or the connection fails transiently' })
    .option('decrypt-workers', { type: 'number', default: 1, description: 'Worker threads decrypting contents (0 = main thread)' })
    .option('progress', { alias: 'P', type: 'boolean', default: false, description: 'Show progress on stderr (default: when stderr is a terminal)' });
}

interface RestoreArgs {
  _: (string | number)[];
  verbose: number;
  quiet: boolean;
  dryRun: boolean;
  asOf?: string;
  all: boolean;
  links: boolean;
  rcloneConfig?: string;
  transfers: number;
  decryptWorkers: number;
  retries: number;
  progress: boolean;
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options as unknown as RestoreArgs;
  const positional = o._.map(String);
  if (positional.length !== 2) throw new UsageError('expected CRYPT-REMOTE:PATH and TARGET');
  if (o.all === (o.asOf !== undefined)) throw new UsageError('give exactly one of --all and --as-of TIME');
  const [source, target] = positional as [string, string];
  const colon = source.indexOf(':');
  if (colon <= 0) throw new UsageError(`"${source}": expected CRYPT-REMOTE:PATH (e.g. secret:photos or secret:)`);
  positiveInteger('transfers', o.transfers);
  const mode: RestoreMode = o.all ? { kind: 'all' } : { kind: 'as-of', at: parseTime(o.asOf!) };
  const logger = createLogger({ tool: 'encrypted-restore', stream: io.stderr, verbosity: verbosityOf(o) });
  return encryptedRestore(
    {
      remoteName: source.slice(0, colon),
      path: source.slice(colon + 1).replace(/^\/+|\/+$/g, ''),
      target: resolve(io.cwd, target),
      configPath: o.rcloneConfig,
      mode,
      transfers: o.transfers,
      decryptWorkers: Math.max(0, Math.floor(o.decryptWorkers)),
      retries: Math.max(1, Math.floor(o.retries)),
      dryRun: o.dryRun,
      links: o.links,
      progress: !o.quiet && !o.dryRun && (o.progress || io.stderrIsTTY),
    },
    io,
    logger,
  );
}
