import { createLogger, parseArgv, toolParser, UsageError, verbosityOf, type ToolIO } from '@rclone-b2/core';
import { encryptedDu, type DuCommand } from './command.js';
import { parseRemoteArg } from './remote-arg.js';

import { TOOLSET_VERSION } from '@rclone-b2/core';
const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'encrypted-du',
    humanReadable: true,
    version: VERSION,
    usage: '$0 [options] [CRYPT-REMOTE[:PATH]]\n\nSpace used by every version in an rclone-crypt B2 bucket, by decrypted path.',
    epilogue: [
      'INVENTORIES',
      '  all        every stored version (current + old)          --all-output (default: stdout)',
      '  undeleted  current versions of live files only           --undeleted-output',
      '  deleted    old versions and deleted files only           --deleted-output',
      '  Old versions are named as rclone --b2-versions names them: NAME-vYYYY-MM-DD-HHMMSS-mmm.EXT\n  (upload time, UTC). Sizes are plaintext sizes.',
      '  -h means --human-readable here, as in du(1); use --help for help.',
      '',
      'EXAMPLES',
      '  encrypted-du -h --depth 2 secret:',
      '  encrypted-du --ls --no-all-output --deleted-output - secret: | tar-ls-du --rclone -h --top 40',
      '  encrypted-du --ncdu secret: > bucket.json && ncdu -f bucket.json',
    ].join('\n'),
  })
    .option('rclone-config', { alias: 'config', type: 'string', description: 'rclone.conf to read (default: as rclone finds it)' })
    .option('all-output', { type: 'string', requiresArg: true, description: 'Write the all-versions inventory to FILE (- = stdout); --no-all-output: none' })
    .option('undeleted-output', { type: 'string', requiresArg: true, description: 'Write the current-versions inventory to FILE (- = stdout)' })
    .option('deleted-output', { type: 'string', requiresArg: true, description: 'Write the old/deleted-versions inventory to FILE (- = stdout)' })
    .option('ls', { type: 'boolean', default: false, description: 'Raw `SIZE PATH` lines (rclone ls format) instead of a summary' })
    .option('ncdu', { type: 'boolean', default: false, description: "ncdu's JSON export format (browse with ncdu -f FILE)" })
    .option('depth', { alias: 'd', type: 'number', description: 'Summary: only paths at most N levels deep' })
    .option('top', { type: 'number', description: 'Summary: only the N largest' })
    .option('progress', { alias: 'P', type: 'boolean', default: false, description: 'Show progress on stderr (default: when stderr is a terminal)' })
    .option('start-at', { type: 'string', description: 'Start at this path, in the bucket\'s (encrypted) listing order' })
    .option('list-chunk', { type: 'number', default: 1000, description: 'Versions per B2 listing call (1-10000; as rclone --b2-list-chunk)' })
    .option('stop-after', { type: 'string', description: 'Stop after this path, in the bucket\'s (encrypted) listing order' });
}

interface DuArgs {
  _: (string | number)[];
  verbose: number;
  quiet: boolean;
  rcloneConfig?: string;
  /** false for --no-all-output (yargs' boolean negation). */
  allOutput?: string | false;
  undeletedOutput?: string;
  deletedOutput?: string;
  ls: boolean;
  ncdu: boolean;
  humanReadable: boolean;
  depth?: number;
  top?: number;
  progress: boolean;
  startAt?: string;
  stopAfter?: string;
  listChunk: number;
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options as unknown as DuArgs;
  const positional = o._.map(String);
  if (positional.length > 1) throw new UsageError(`expected at most one CRYPT-REMOTE[:PATH], got ${positional.length}`);
  const explicit = [o.undeletedOutput, o.deletedOutput].filter((x) => x !== undefined);
  const allOutput = o.allOutput === false ? undefined : (o.allOutput ?? (explicit.includes('-') ? undefined : '-'));
  const outputs = { all: allOutput, undeleted: o.undeletedOutput, deleted: o.deletedOutput };
  const toStdout = Object.values(outputs).filter((x) => x === '-').length;
  if (!Number.isInteger(o.listChunk) || o.listChunk < 1 || o.listChunk > 10_000) throw new UsageError('--list-chunk must be a whole number from 1 to 10000');
  if (o.ls && o.ncdu) throw new UsageError('--ls and --ncdu are alternatives; give one');
  if (toStdout > 1) throw new UsageError('only one inventory can go to stdout (-)');
  if (Object.values(outputs).every((x) => x === undefined)) throw new UsageError('no inventory to write (all three are off)');
  const command: DuCommand = {
    ...parseRemoteArg(positional[0]),
    configPath: o.rcloneConfig,
    outputs,
    format: o.ls ? 'ls' : o.ncdu ? 'ncdu' : 'summary',
    human: o.humanReadable,
    depth: o.depth,
    top: o.top,
    progress: !o.quiet && (o.progress || io.stderrIsTTY),
    startAt: o.startAt,
    stopAfter: o.stopAfter,
    listChunk: o.listChunk,
  };
  const logger = createLogger({ tool: 'encrypted-du', stream: io.stderr, verbosity: verbosityOf(o) });
  return encryptedDu(command, io, logger);
}
