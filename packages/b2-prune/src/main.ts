import { resolve } from 'node:path';
import {
  countFlag,
  createLogger,
  DRY_RUN_FLAG,
  ExitCode,
  GuardError,
  HUMAN_READABLE_FLAG,
  integerFlag,
  JSON_FLAG,
  loadPrices,
  parseArgv,
  parseRemoteArg,
  parseTime,
  PRICES_FLAG,
  RCLONE_CONFIG_FLAG,
  stringFlag,
  toolParser,
  TOOLSET_VERSION,
  transfersFlag,
  UsageError,
  usageOf,
  verbosityOf,
  writeWithBackpressure,
  type EncryptedBucketOpener,
  type ToolIO,
} from '@rclone-b2/core';

export const VERSION = TOOLSET_VERSION;

const EPILOGUE = `Policies and path rules are read from --policy-file, else the first of
~/.config/b2-prune/policies.ini ($XDG_CONFIG_HOME) and /etc/b2-prune.conf; without one,
every path gets the built-in "default" policy (1,2,3,4,5,6,7,*,30,*,365,?).
See the README for the grammar and the rules.`;

export interface PruneCliOptions {
  remote?: string;
  /** PATH of `REMOTE:PATH`: only this directory ('' = the whole remote). */
  path: string;
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
  html?: string;
  /** Print the B2 lifecycle rule equivalent to the policy of PATH (or the root) and stop. */
  printLifecycle: boolean;
  now?: number;
  listPageSize?: number;
  verbosity: number;
  json: boolean;
  /** -h: sizes in -v and --explain lines as du -h prints them. */
  human: boolean;
  /** --prices FILE (default: the shipped price model). */
  prices?: string | undefined;
  debug: boolean;
}

/** Turns argv into options; `undefined` when --help/--version was answered. */
export async function parseOptions(argv: readonly string[], io: ToolIO): Promise<PruneCliOptions | number> {
  const parser = toolParser({
    name: 'b2-prune',
    version: VERSION,
    usage: '$0 [options] [CRYPT-REMOTE[:PATH]]',
    epilogue: EPILOGUE,
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      ...HUMAN_READABLE_FLAG,
      ...RCLONE_CONFIG_FLAG,
      ...PRICES_FLAG,
      ...transfersFlag('Parallel delete calls'),
      concurrency: integerFlag('concurrency', { min: 1, hidden: true, description: 'deprecated: use --transfers' }),
      'policy-file': stringFlag({ description: 'Policies and path rules (INI: [policies], [paths])' }),
      purge: { type: 'boolean', default: false, description: 'Apply "never" to every path: delete all old versions and deleted files (needs --force)' },
      force: { type: 'boolean', default: false, description: 'Confirm --purge' },
      'start-at': stringFlag({ description: "Start at this path (in the bucket's encrypted name order)" }),
      'stop-at': stringFlag({ description: 'Stop before this path (same order; the next run\'s --start-at)' }),
      'max-files': countFlag('max-files', 'Judge at most N files, then print where to continue'),
      files: { type: 'boolean', default: true, description: 'Prune file versions (--no-files: only cancel unfinished large files)' },
      'unfinished-large-files': { type: 'boolean', default: true, description: 'Cancel unfinished large files older than a day' },
      explain: stringFlag({ description: 'Print every version of PATH with its decision and reason; delete nothing' }),
      html: stringFlag({ description: 'With --dry-run or --explain: also write the plan as a self-contained HTML page (a timeline per file, the rule behind each version, totals) to FILE' }),
      'print-lifecycle': { type: 'boolean', default: false, description: 'Print the B2 lifecycle rule that keeps at least what the policy keeps (JSON for b2_update_bucket); delete nothing' },
      now: stringFlag({ hidden: true, description: 'Judge ages as of this time (tests)' }),
      'list-page-size': integerFlag('list-page-size', { min: 1, max: 10_000, hidden: true, description: 'Versions per b2_list_file_versions call' }),
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options;
  if (a._.length > 1) throw new UsageError(`expected at most one CRYPT-REMOTE[:PATH], got ${a._.length}`);
  const target = parseRemoteArg(a._[0] === undefined ? undefined : String(a._[0]), 'CRYPT-REMOTE[:PATH]');
  if (!a.files && !a.unfinishedLargeFiles) throw new UsageError('--no-files and --no-unfinished-large-files together leave nothing to do');
  if (a.concurrency !== undefined) {
    if (argv.some((arg) => arg === '--transfers' || arg.startsWith('--transfers='))) throw new UsageError('give --transfers or --concurrency, not both');
    createLogger({ tool: 'b2-prune', stream: io.stderr, verbosity: verbosityOf(a) }).warn('--concurrency is deprecated: use --transfers');
  }
  if (a.html !== undefined && !a.dryRun && a.explain === undefined) throw new UsageError('--html draws the plan of a dry run: give it with --dry-run (or --explain)');
  if (a.html === '-') throw new UsageError('--html needs a FILE (stdout carries the text report)');
  const now = a.now ?? io.env.B2_PRUNE_NOW;
  const inside = (path: string | undefined): string | undefined => (path === undefined || target.path === '' ? path : `${target.path}/${path.replace(/^\/+/, '')}`);
  return {
    remote: target.remoteName,
    path: target.path,
    rcloneConfig: a.rcloneConfig,
    policyFile: a.policyFile,
    dryRun: a.dryRun,
    purge: a.purge,
    force: a.force,
    concurrency: a.concurrency ?? a.transfers,
    startAt: inside(a.startAt),
    stopAt: inside(a.stopAt),
    maxFiles: a.maxFiles,
    files: a.files,
    unfinishedLargeFiles: a.unfinishedLargeFiles,
    explain: inside(a.explain),
    html: a.html,
    printLifecycle: a.printLifecycle,
    now: now === undefined ? undefined : parseTime(now),
    listPageSize: a.listPageSize,
    verbosity: verbosityOf(a),
    json: a.json,
    human: a.humanReadable,
    debug: a.debug,
    prices: a.prices === undefined ? undefined : resolve(io.cwd, a.prices),
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
  const { checkHtmlTarget, createProgress, explain, formatSummaryText, loadPolicyConfig, openEncryptedBucket, printLifecycle, prune, PrunePlan, savingOf, writeHtmlReport } = await import('./run-modules.js');
  if (options.html !== undefined) await checkHtmlTarget(options.html, io.cwd);
  const config = await loadPolicyConfig(options.policyFile, io.env);
  const prices = await loadPrices(options.prices);
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
  if (options.printLifecycle) {
    await printLifecycle({ ...common, path: options.path, out: io.stdout, log });
    return ExitCode.Ok;
  }
  const plan = options.html !== undefined ? new PrunePlan() : undefined;
  const title = `Prune plan: ${options.remote ?? 'remote'}:${options.explain ?? options.path}`;
  if (options.explain !== undefined) {
    await explain({ ...common, path: options.explain, json: options.json, human: options.human, out: io.stdout, plan });
    if (plan && options.html !== undefined) await writeHtmlReport(options.html, io.cwd, io.stdout, plan.data(title, now, prices.storage.pricePerTBMonth));
    return ExitCode.Ok;
  }
  if (config.source) log.info(`policies from ${config.source}`);
  const summary = await prune({
    ...common,
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    startAt: options.startAt,
    stopAt: options.stopAt,
    within: options.path,
    remoteName: options.remote,
    maxFiles: options.maxFiles,
    files: options.files,
    unfinishedLargeFiles: options.unfinishedLargeFiles,
    pageSize: options.listPageSize,
    verbosity: options.verbosity,
    json: options.json,
    human: options.human,
    out: io.stdout,
    log,
    signal: deps.signal,
    plan,
    ...(bucket.lifecycleRules ? { lifecycleRules: bucket.lifecycleRules } : {}),
    // on a terminal only: a pipe or log gets no redraws, -q means quiet, --json keeps stderr for errors
    ...(io.stderrIsTTY && options.verbosity >= 0 && !options.json ? { progress: createProgress(io.stderr, true, options.dryRun) } : {}),
  });
  summary.saving = savingOf(summary.bytesFreed, prices);
  if (plan && options.html !== undefined) await writeHtmlReport(options.html, io.cwd, io.stdout, plan.data(title, now, prices.storage.pricePerTBMonth));
  if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify({ type: 'summary', ...summary, b2: usageOf(bucket.client) })}\n`);
  else if (options.verbosity >= 0) await writeWithBackpressure(io.stdout, formatSummaryText(summary));
  return summary.failures > 0 || summary.undecryptableNames > 0 ? ExitCode.Problem : ExitCode.Ok;
}
