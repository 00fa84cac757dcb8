import { createLogger, DRY_RUN_FLAG, JSON_FLAG, parseArgv, parseRemoteArg, RCLONE_CONFIG_FLAG, toolParser, TOOLSET_VERSION, transfersFlag, UsageError, verbosityOf, type ToolIO } from '@rclone-b2/core';

export const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'encrypted-cleanup',
    version: VERSION,
    usage:
      '$0 [--purge] [-v...] [--dry-run] CRYPT-REMOTE[:PATH] [PATH...]\n\n' +
      'Delete the old and hidden versions of files (or whole directories) in an rclone-crypt B2 bucket now;\n' +
      'with --purge, their current versions too.',
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      ...RCLONE_CONFIG_FLAG,
      ...transfersFlag('Files cleaned in parallel'),
      purge: { type: 'boolean', default: false, description: 'Also delete the current versions (the files disappear)' },
    },
    epilogue: [
      'PATH is a plaintext path inside the crypt remote: a file, or a directory meaning everything below it.',
      'CRYPT-REMOTE:PATH names one such path; further PATHs are then relative to it (secret:videos a.mkv b.mkv).',
      'Versions are deleted oldest first, so an interruption never makes a deleted file visible again.',
      'A PATH that matches nothing is reported on stderr and makes the exit status 1.',
      '--json prints one JSON document on stdout: {"dryRun":..., "items":[...] (dry run only), "summary":{...}}.',
      '',
      'EXAMPLES',
      '  encrypted-cleanup -n secret videos/huge.mkv',
      '  encrypted-cleanup --purge -v secret scratch/ tmp/old.iso',
    ].join('\n'),
  });
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options;
  const [remote, ...rest] = o._.map(String);
  const { remoteName, path } = parseRemoteArg(remote, 'CRYPT-REMOTE[:PATH]');
  const join = (relative: string): string => [path, relative.replace(/^\/+|\/+$/g, '')].filter(Boolean).join('/');
  const paths = rest.length ? rest.map(join) : path ? [path] : [];
  if (remoteName === undefined || paths.length === 0) throw new UsageError('expected CRYPT-REMOTE and at least one PATH (or CRYPT-REMOTE:PATH)');
  const logger = createLogger({ tool: 'encrypted-cleanup', stream: io.stderr, verbosity: verbosityOf(o) });
  // Loaded only to run: --help, --version and usage errors never evaluate the command's code (start-up).
  const { encryptedCleanup } = await import('./command.js');
  return encryptedCleanup(
    { remoteName, paths, configPath: o.rcloneConfig, purge: o.purge, dryRun: o.dryRun, transfers: o.transfers, json: o.json },
    io,
    logger,
  );
}
