import { resolve } from 'node:path';
import {
  countFlag,
  createLogger,
  deprecatedFlag,
  HUMAN_READABLE_FLAG,
  integerFlag,
  JSON_FLAG,
  loadPrices,
  parseArgv,
  PRICES_FLAG,
  parseRemoteArg,
  PROGRESS_FLAG,
  RCLONE_CONFIG_FLAG,
  stringFlag,
  toolParser,
  TOOLSET_VERSION,
  UsageError,
  verbosityOf,
  type ToolIO,
} from '@rclone-b2/core';
import type { DuBucketOpener, DuCommand } from './command.js';

const VERSION = TOOLSET_VERSION;

function parser() {
  return toolParser({
    name: 'encrypted-du',
    version: VERSION,
    usage: '$0 [options] [CRYPT-REMOTE[:PATH]]\n\nSpace used by every version in an rclone-crypt B2 bucket, by decrypted path.',
    flags: {
      ...HUMAN_READABLE_FLAG,
      ...JSON_FLAG,
      ...RCLONE_CONFIG_FLAG,
      ...PROGRESS_FLAG,
      ...PRICES_FLAG,
      cost: { type: 'boolean', default: false, description: 'Monthly storage cost of current and of old versions per directory (stored bytes), on stdout instead of an inventory' },
      'all-output': { type: 'string', requiresArg: true, description: 'Write the all-versions inventory to FILE (- = stdout); --no-all-output: none' },
      'undeleted-output': stringFlag({ description: 'Write the current-versions inventory to FILE (- = stdout)' }),
      'deleted-output': stringFlag({ description: 'Write the old/deleted-versions inventory to FILE (- = stdout)' }),
      ls: { type: 'boolean', default: false, description: 'Raw `SIZE PATH` lines (rclone ls format) instead of a summary' },
      ncdu: { type: 'boolean', default: false, description: "ncdu's JSON export format (browse with ncdu -f FILE)" },
      depth: integerFlag('depth', { alias: 'd', min: 1, description: 'Summary: only paths at most N levels deep' }),
      top: countFlag('top', 'Summary: only the N largest'),
      'start-at': stringFlag({ description: "Start at this path, in the bucket's (encrypted) listing order" }),
      'stop-at': stringFlag({ description: 'Stop before this path, in the same order (the next run\'s --start-at)' }),
      'stop-after': deprecatedFlag('stop-at'),
      total: { type: 'boolean', alias: 'c', default: false, description: 'After the summaries, print the total plaintext and stored (billed) bytes (as du -c)' },
      'list-ranges': integerFlag('list-ranges', { min: 1, max: 64, default: 16, description: 'Key ranges of the bucket listed at once (1 = one cursor, as rclone)' }),
      html: stringFlag({ description: 'Also write a self-contained HTML report (treemap, old-version share, monthly cost; largest directories) to FILE; - = stdout' }),
      'list-chunk': integerFlag('list-chunk', { min: 1, max: 10_000, default: 1000, description: 'Versions per B2 listing call (as rclone --b2-list-chunk; B2 bills one class C transaction per 1,000 returned)' }),
    },
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
      '  encrypted-du -hc --depth 1 secret:                 # ends with the plaintext and stored (billed) totals',
      '  encrypted-du --ls --no-all-output --deleted-output - secret: | tar-ls-du --rclone -h --top 40',
      '  encrypted-du --ncdu secret: > bucket.json && ncdu -f bucket.json',
      '  encrypted-du --no-all-output --html bucket.html secret:',
    ].join('\n'),
  });
}

export interface MainDependencies {
  /** Opens the crypt remote's bucket (default: core's openEncryptedBucket). */
  openBucket?: DuBucketOpener;
}

export async function main(argv: readonly string[], io: ToolIO, deps: MainDependencies = {}): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options;
  const positional = o._.map(String);
  if (positional.length > 1) throw new UsageError(`expected at most one CRYPT-REMOTE[:PATH], got ${positional.length}`);
  const explicit = [o.undeletedOutput, o.deletedOutput].filter((x) => x !== undefined);
  // --all-output is a string flag with a --no- form, so yargs gives false for --no-all-output.
  const allOutputFlag: unknown = o.allOutput;
  const allOutput = allOutputFlag === false ? undefined : typeof allOutputFlag === 'string' ? allOutputFlag : explicit.includes('-') || o.cost || o.html === '-' ? undefined : '-';
  const outputs = { all: allOutput, undeleted: o.undeletedOutput, deleted: o.deletedOutput };
  const toStdout = Object.values(outputs).filter((x) => x === '-').length;
  const formats = (['ls', 'ncdu', 'json'] as const).filter((f) => o[f]);
  if (formats.length > 1) throw new UsageError(`${formats.map((f) => `--${f}`).join(' and ')} are alternatives; give one`);
  if (toStdout + (o.html === '-' ? 1 : 0) > 1) throw new UsageError('only one inventory can go to stdout (-), counting an --html page');
  if (o.cost && (toStdout > 0 || o.html === '-')) throw new UsageError('--cost writes its report to stdout: send the inventories (and --html) to files');
  if (o.prices !== undefined && !o.cost) throw new UsageError('--prices only goes with --cost');
  if (o.cost && (o.ls || o.ncdu)) throw new UsageError('--cost is a report of its own: --ls and --ncdu are for inventories');
  if (!o.cost && Object.values(outputs).every((x) => x === undefined) && o.html === undefined) throw new UsageError('no inventory to write (all three are off, and no --html)');
  if (o.total && formats.length > 0) throw new UsageError(`--total goes with the text summary, not --${formats[0]}`);
  if (o.total && o.cost) throw new UsageError('--total goes with the text summary, not --cost');
  if (o.stopAt !== undefined && o.stopAfter !== undefined) throw new UsageError('give --stop-at or --stop-after, not both');
  const logger = createLogger({ tool: 'encrypted-du', stream: io.stderr, verbosity: verbosityOf(o) });
  if (o.stopAfter !== undefined) logger.warn('--stop-after is deprecated: use --stop-at (which stops before PATH, where the next run\'s --start-at begins)');
  const command: DuCommand = {
    ...parseRemoteArg(positional[0], 'CRYPT-REMOTE[:PATH]'),
    configPath: o.rcloneConfig,
    outputs,
    format: formats[0] ?? 'summary',
    human: o.humanReadable,
    depth: o.depth,
    top: o.top,
    progress: !o.quiet && (o.progress || io.stderrIsTTY),
    startAt: o.startAt,
    stopAt: o.stopAt,
    stopAfter: o.stopAfter,
    listChunk: o.listChunk,
    html: o.html,
    cost: o.cost ? { model: await loadPrices(o.prices === undefined ? undefined : resolve(io.cwd, o.prices)), json: o.json } : undefined,
    total: o.total,
    listRanges: o.listRanges,
  };
  // Loaded only here: --help, --version and usage errors never evaluate the listing, report and cipher code.
  const { encryptedDu } = await import('./command.js');
  return encryptedDu(command, io, logger, deps.openBucket);
}
