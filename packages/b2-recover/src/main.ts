import { resolve } from 'node:path';
import { createLogger, DRY_RUN_FLAG, JSON_FLAG, parseArgv, parseRemoteArg, RCLONE_CONFIG_FLAG, stringFlag, timeFlag, toolParser, TOOLSET_VERSION, transfersFlag, UsageError, verbosityOf, type ToolIO } from '@rclone-b2/core';

export const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'b2-recover',
    version: VERSION,
    usage:
      '$0 (--local-directory DIR --backup-directory PATH | --hidden-after TIME) [options] [CRYPT-REMOTE[:PATH]]\n\n' +
      'Undo a catastrophic sync: delete the hide markers of deleted files so their last upload is current again.',
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      ...RCLONE_CONFIG_FLAG,
      ...transfersFlag('Hide markers deleted in parallel'),
      'local-directory': stringFlag({ description: 'Undelete only what exists in this local directory' }),
      'backup-directory': stringFlag({ description: 'Path inside the crypt remote that DIR was backed up to (or give it as CRYPT-REMOTE:PATH)' }),
      'hidden-after': timeFlag('hidden-after', { description: 'Undelete only files deleted after TIME' }),
    },
    epilogue: [
      'With --local-directory, a file under PATH in the bucket is undeleted when DIR still holds it',
      '(DIR/REL for bucket file PATH/REL). With --hidden-after, files deleted after TIME are undeleted',
      'whether or not a local copy exists (e.g. everything the bad night removed). Both together: both must hold.',
      'CRYPT-REMOTE is optional when rclone.conf has only one crypt remote; CRYPT-REMOTE:PATH is',
      'the same as --backup-directory PATH.',
      'TIME: ISO 8601 (no zone = local time), @EPOCH-SECONDS, or a duration meaning "that long ago" (12h).',
      '',
      'EXAMPLES',
      '  b2-recover -n --local-directory /srv/photos secret:photos',
      '  b2-recover --hidden-after 2024-05-01T02:00:00Z secret',
    ].join('\n'),
  });
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options;
  const positional = o._.map(String);
  if (positional.length > 1) throw new UsageError('expected at most one CRYPT-REMOTE[:PATH]');
  const remote = parseRemoteArg(positional[0], 'CRYPT-REMOTE[:PATH]');
  if (remote.path && o.backupDirectory !== undefined) throw new UsageError(`give the backup directory once: ${positional[0]} or --backup-directory`);
  const backupDirectory = remote.path || o.backupDirectory;
  if (o.localDirectory === undefined && o.hiddenAfter === undefined) throw new UsageError('give --local-directory DIR --backup-directory PATH, or --hidden-after TIME');
  if (o.localDirectory !== undefined && backupDirectory === undefined) throw new UsageError('--local-directory needs --backup-directory PATH or CRYPT-REMOTE:PATH (where DIR is in the bucket)');
  const logger = createLogger({ tool: 'b2-recover', stream: io.stderr, verbosity: verbosityOf(o) });
  // Loaded only to run: --help, --version and usage errors never evaluate the command's code (start-up).
  const { b2Recover } = await import('./command.js');
  return b2Recover(
    {
      remoteName: remote.remoteName,
      backupDirectory: (backupDirectory ?? '').replace(/^\/+|\/+$/g, ''),
      localDirectory: o.localDirectory === undefined ? undefined : resolve(io.cwd, o.localDirectory),
      hiddenAfter: o.hiddenAfter,
      configPath: o.rcloneConfig,
      dryRun: o.dryRun,
      transfers: o.transfers,
      json: o.json,
    },
    io,
    logger,
  );
}
