import { resolve } from 'node:path';
import { createLogger, parseArgv, parseTime, toolParser, UsageError, verbosityOf, type ToolIO, positiveInteger } from '@rclone-b2/core';
import { b2Recover } from './command.js';

import { TOOLSET_VERSION } from '@rclone-b2/core';
export const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'b2-recover',
    version: VERSION,
    usage:
      '$0 (--local-directory DIR --backup-directory PATH | --hidden-after TIME) [options] [CRYPT-REMOTE]\n\n' +
      'Undo a catastrophic sync: delete the hide markers of deleted files so their last upload is current again.',
    dryRun: true,
    epilogue: [
      'With --local-directory, a file under PATH in the bucket is undeleted when DIR still holds it',
      '(DIR/REL for bucket file PATH/REL). With --hidden-after, files deleted after TIME are undeleted',
      'whether or not a local copy exists (e.g. everything the bad night removed). Both together: both must hold.',
      'CRYPT-REMOTE is optional when rclone.conf has only one crypt remote.',
      'TIME: ISO 8601 (no zone = local time), @EPOCH-SECONDS, or a duration meaning "that long ago" (12h).',
      '',
      'EXAMPLES',
      '  b2-recover -n --local-directory /srv/photos --backup-directory photos secret',
      '  b2-recover --hidden-after 2024-05-01T02:00:00Z secret',
    ].join('\n'),
  })
    .option('local-directory', { type: 'string', description: 'Undelete only what exists in this local directory' })
    .option('backup-directory', { type: 'string', description: 'Path inside the crypt remote that DIR was backed up to' })
    .option('hidden-after', { type: 'string', description: 'Undelete only files deleted after TIME' })
    .option('rclone-config', { alias: 'config', type: 'string', description: 'rclone.conf to read (default: as rclone finds it)' })
    .option('transfers', { type: 'number', default: 8, description: 'Hide markers deleted in parallel' });
}

interface RecoverArgs {
  _: (string | number)[];
  verbose: number;
  quiet: boolean;
  dryRun: boolean;
  localDirectory?: string;
  backupDirectory?: string;
  hiddenAfter?: string;
  rcloneConfig?: string;
  transfers: number;
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options as unknown as RecoverArgs;
  const positional = o._.map(String);
  if (positional.length > 1) throw new UsageError('expected at most one CRYPT-REMOTE');
  if (o.localDirectory === undefined && o.hiddenAfter === undefined) throw new UsageError('give --local-directory DIR --backup-directory PATH, or --hidden-after TIME');
  if (o.localDirectory !== undefined && o.backupDirectory === undefined) throw new UsageError('--local-directory needs --backup-directory PATH (where DIR is in the bucket)');
  positiveInteger('transfers', o.transfers);
  const logger = createLogger({ tool: 'b2-recover', stream: io.stderr, verbosity: verbosityOf(o) });
  return b2Recover(
    {
      remoteName: positional[0]?.replace(/:$/, ''),
      backupDirectory: (o.backupDirectory ?? '').replace(/^\/+|\/+$/g, ''),
      localDirectory: o.localDirectory === undefined ? undefined : resolve(io.cwd, o.localDirectory),
      hiddenAfter: o.hiddenAfter === undefined ? undefined : parseTime(o.hiddenAfter),
      configPath: o.rcloneConfig,
      dryRun: o.dryRun,
      transfers: o.transfers,
    },
    io,
    logger,
  );
}
