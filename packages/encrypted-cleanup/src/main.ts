import { createLogger, parseArgv, toolParser, UsageError, verbosityOf, type ToolIO, positiveInteger } from '@rclone-b2/core';
import { encryptedCleanup } from './command.js';

import { TOOLSET_VERSION } from '@rclone-b2/core';
export const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'encrypted-cleanup',
    version: VERSION,
    usage:
      '$0 [--purge] [-v...] [--dry-run] CRYPT-REMOTE PATH...\n\n' +
      'Delete the old and hidden versions of files (or whole directories) in an rclone-crypt B2 bucket now;\n' +
      'with --purge, their current versions too.',
    dryRun: true,
    epilogue: [
      'PATH is a plaintext path inside the crypt remote: a file, or a directory meaning everything below it.',
      'Versions are deleted oldest first, so an interruption never makes a deleted file visible again.',
      'A PATH that matches nothing is reported on stderr and makes the exit status 1.',
      '',
      'EXAMPLES',
      '  encrypted-cleanup -n secret videos/huge.mkv',
      '  encrypted-cleanup --purge -v secret scratch/ tmp/old.iso',
    ].join('\n'),
  })
    .option('purge', { type: 'boolean', default: false, description: 'Also delete the current versions (the files disappear)' })
    .option('rclone-config', { alias: 'config', type: 'string', description: 'rclone.conf to read (default: as rclone finds it)' })
    .option('transfers', { type: 'number', default: 8, description: 'Files cleaned in parallel' });
}

interface CleanupArgs {
  _: (string | number)[];
  verbose: number;
  quiet: boolean;
  dryRun: boolean;
  purge: boolean;
  rcloneConfig?: string;
  transfers: number;
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options as unknown as CleanupArgs;
  const positional = o._.map(String);
  if (positional.length < 2) throw new UsageError('expected CRYPT-REMOTE and at least one PATH');
  positiveInteger('transfers', o.transfers);
  const [remote, ...paths] = positional as [string, ...string[]];
  const logger = createLogger({ tool: 'encrypted-cleanup', stream: io.stderr, verbosity: verbosityOf(o) });
  return encryptedCleanup(
    { remoteName: remote.replace(/:$/, ''), paths, configPath: o.rcloneConfig, purge: o.purge, dryRun: o.dryRun, transfers: o.transfers },
    io,
    logger,
  );
}
