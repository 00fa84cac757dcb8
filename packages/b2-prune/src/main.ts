import {
  createLogger,
  ExitCode,
  GuardError,
  openEncryptedBucket,
  parseArgv,
  parseTime,
  toolParser,
  UsageError,
  verbosityOf,
  writeWithBackpressure,
  type EncryptedBucketOpener,
  type ToolIO,
} from '@rclone-b2/core';
import { explain } from './explain.js';
import { loadPolicyConfig } from './policy/config.js';
import { prune } from './prune.js';
import { formatSummaryText } from './report.js';

export const VERSION = '0.1.0';

const EPILOGUE = `Policies and path rules are read from --policy-file, else the first of
~/.config/b2-prune/policies.ini ($XDG_CONFIG_HOME) and /etc/b2-prune.conf; without one,
every path gets the built-in "default" policy (1,2,3,4,5,6,7,*,30,*,365,?).
See the README for the grammar and the rules.`;

export interface PruneCliOptions {
  remote?: string;
  rcloneConfig?: string;
  policyFile?: string;
  dryRun: boolean;
  purge: boolean;
  force: boolean;
  concurrency: number;
  startAt?: string;
  stopAt?: string;
  maxFiles?: number;
  files: boolean;
  unfinishedLargeFiles: boolean;
  explain?: string;
  now?: number;
  listPageSize?: number;
  verbosity: number;
  json: boolean;
  debug: boolean;
}

interface RawArgs {
  _: (string | number)[];
  verbose: number;
  quiet: boolean;
  debug: boolean;
  dryRun: boolean;
  json: boolean;
  rcloneConfig?: string;
  policyFile?: string;
  purge: boolean;
  force: boolean;
  transfers?: number;
  startAt?: string;
  stopAt?: string;
  maxFiles?: number;
  files: boolean;
  unfinishedLargeFiles: boolean;
  explain?: string;
  now?: string;
  listPageSize?: number;
}

/** Turns argv into options; `undefined` when --help/--version was answered. */
export async function parseOptions(argv: readonly string[], io: ToolIO): Promise<PruneCliOptions | number> {
  const parser = toolParser({ name: 'b2-prune', version: VERSION, usage: '$0 [options] [CRYPT-REMOTE]', dryRun: true, json: true, epilogue: EPILOGUE })
    .option('rclone-config', { type: 'string', description: 'rclone config file (default: as rclone finds it, or RCLONE_CONFIG)' })
    .option('policy-file', { type: 'string', description: 'Policies and path rules (INI: [policies], [paths])' })
    .option('purge', { type: 'boolean', default: false, description: 'Apply "never" to every path: delete all old versions and deleted files (needs --force)' })
    .option('force', { type: 'boolean', default: false, description: 'Confirm --purge' })
    .option('transfers', { alias: 'concurrency', type: 'number', description: 'Parallel delete calls (default 10)' })
    .option('start-at', { type: 'string', description: 'Start at this path (in the bucket\'s encrypted name order)' })
    .option('stop-at', { type: 'string', description: 'Stop before this path (same order)' })
    .option('max-files', { type: 'number', description: 'Judge at most N files, then print where to continue' })
    .option('files', { type: 'boolean', default: true, description: 'Prune file versions (--no-files: only cancel unfinished large files)' })
    .option('unfinished-large-files', { type: 'boolean', default: true, description: 'Cancel unfinished large files older than a day' })
    .option('explain', { type: 'string', description: 'Print every version of PATH with its decision and reason; delete nothing' })
    .option('now', { type: 'string', hidden: true, description: 'Judge ages as of this time (tests)' })
    .option('list-page-size', { type: 'number', hidden: true, description: 'Versions per b2_list_file_versions call (1..10000)' });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options as unknown as RawArgs;
  if (a._.length > 1) throw new UsageError(`expected at most one crypt remote, got ${a._.length}`);
  const concurrency = a.transfers ?? 10;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('--transfers must be a whole number ≥ 1');
  if (a.maxFiles !== undefined && (!Number.isInteger(a.maxFiles) || a.maxFiles < 1)) throw new UsageError('--max-files must be a whole number ≥ 1');
  if (!a.files && !a.unfinishedLargeFiles) throw new UsageError('--no-files and --no-unfinished-large-files together leave nothing to do');
  const now = a.now ?? io.env.B2_PRUNE_NOW;
  return {
    remote: a._[0] === undefined ? undefined : String(a._[0]),
    rcloneConfig: a.rcloneConfig,
    policyFile: a.policyFile,
    dryRun: a.dryRun,
    purge: a.purge,
    force: a.force,
    concurrency,
    startAt: a.startAt,
    stopAt: a.stopAt,
    maxFiles: a.maxFiles,
    files: a.files,
    unfinishedLargeFiles: a.unfinishedLargeFiles,
    explain: a.explain,
    now: now === undefined ? undefined : parseTime(now),
    listPageSize: a.listPageSize,
    verbosity: verbosityOf(a),
    json: a.json,
    debug: a.debug,
  };
}

export interface MainDependencies {
  /** Opens the crypt remote's bucket (default: core's openEncryptedBucket). */
  openBucket?: EncryptedBucketOpener;
  /** The clock when --now is not given. */
  clock?: () => number;
  signal?: AbortSignal;
}

/** b2-prune's entry: argv and streams in, exit status out. */
export async function main(argv: readonly string[], io: ToolIO, deps: MainDependencies = {}): Promise<number> {
  const options = await parseOptions(argv, io);
  if (typeof options === 'number') return options;
  if (options.purge && !options.force && !options.dryRun && options.explain === undefined) {
    throw new GuardError('--purge deletes every old version and every deleted file; add --force to do it (or -n to see what it would delete)');
  }
  const config = await loadPolicyConfig(options.policyFile, io.env);
  const { remote, bucket } = await (deps.openBucket ?? openEncryptedBucket)(
    {
      remoteName: options.remote,
      configPath: options.rcloneConfig,
      concurrency: options.concurrency,
      // B2 retries are logged at -v from the first call on; the client never gives them secrets
      logger: createLogger({ tool: 'b2-prune', stream: io.stderr, verbosity: options.verbosity }),
    },
    { env: io.env, signal: deps.signal },
  );
  const log = createLogger({ tool: 'b2-prune', stream: io.stderr, verbosity: options.verbosity, secrets: remote.secrets });
  const now = options.now ?? (deps.clock ?? Date.now)();
  const common = { client: bucket.client, bucketId: bucket.bucketId, prefix: bucket.prefix, names: bucket.names, config, now, purge: options.purge };
  if (options.explain !== undefined) {
    await explain({ ...common, path: options.explain, json: options.json, out: io.stdout });
    return ExitCode.Ok;
  }
  if (config.source) log.info(`policies from ${config.source}`);
  const summary = await prune({
    ...common,
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    startAt: options.startAt,
    stopAt: options.stopAt,
    maxFiles: options.maxFiles,
    files: options.files,
    unfinishedLargeFiles: options.unfinishedLargeFiles,
    pageSize: options.listPageSize,
    verbosity: options.verbosity,
    json: options.json,
    out: io.stdout,
    log,
    signal: deps.signal,
  });
  if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify({ type: 'summary', ...summary })}\n`);
  else if (options.verbosity >= 0) await writeWithBackpressure(io.stdout, formatSummaryText(summary));
  return summary.failures > 0 || summary.undecryptableNames > 0 ? ExitCode.Problem : ExitCode.Ok;
}
