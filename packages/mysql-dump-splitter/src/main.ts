import { resolve } from 'node:path';
import {
  createLogger,
  DRY_RUN_FLAG,
  ExitCode,
  formatIecSize,
  integerFlag,
  JSON_FLAG,
  openNamedInput,
  parseArgv,
  parseSize,
  sizeFlag,
  stringFlag,
  toolParser,
  TOOLSET_VERSION,
  UsageError,
  verbosityOf,
  writeWithBackpressure,
  type ToolIO,
} from '@rclone-b2/core';
import { readFileChunks, splitDump, type SplitSummary } from './split.js';

export const VERSION = TOOLSET_VERSION;

export const TOOL = 'mysql-dump-splitter';

const EPILOGUE = `Restore: mysql-dump-join DIR | mariadb   (or: cd DIR && xargs -d '\\n' cat < MANIFEST | mariadb)
Bad input (empty, binary, truncated, not a dump) exits 2 and changes nothing in DIR.
A dump made with mysqldump --skip-comments or --compact has no '-- Dump completed' trailer, so a cut one
cannot be told from a complete one: refused unless --allow-skip-comments is given.`;

export interface MainOptions {
  input?: string;
  outDir: string;
  pieceSize: number;
  regroup: boolean;
  dryRun: boolean;
  allowSkipComments: boolean;
  dump: boolean;
  databases: string[];
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  socket?: string;
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parser = toolParser({
    name: TOOL,
    version: VERSION,
    usage: '$0 [options] [FILE]\n$0 --dump [connection options] DATABASE...',
    epilogue: EPILOGUE,
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      out: stringFlag({ alias: 'o', description: 'Output directory (default: current directory)' }),
      'piece-size': sizeFlag('piece-size', { description: 'Target piece size, content-defined average (default 4M; at least 1K)' }),
      regroup: { type: 'boolean', default: false, description: 'Rewrite extended INSERTs into content-defined groups' },
      'allow-skip-comments': {
        type: 'boolean',
        default: false,
        description:
          "Accept a dump without mysqldump's header and '-- Dump completed' trailer (--skip-comments, --compact); its completeness is then not checked",
      },
      dump: { type: 'boolean', default: false, description: 'Read the databases with mysql2 instead of reading mysqldump output' },
      host: stringFlag({ description: '--dump: server host' }),
      port: integerFlag('port', { alias: 'P', min: 1, max: 65535, description: '--dump: server port' }),
      user: stringFlag({ alias: 'u', description: '--dump: user name' }),
      password: stringFlag({ alias: 'p', description: '--dump: password (better: MYSQL_PWD in the environment)' }),
      socket: stringFlag({ alias: 'S', description: '--dump: Unix socket path' }),
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const args = parsed.options;
  const positional = args._.map(String);
  const password = args.password ?? io.env.MYSQL_PWD;
  const log = createLogger({ tool: TOOL, stream: io.stderr, verbosity: verbosityOf(args), secrets: password ? [password] : [] });
  const pieceSize = args.pieceSize ?? parseSize('4M');
  if (pieceSize < 1024) throw new UsageError(`invalid value ${JSON.stringify(pieceSizeText(argv))} for --piece-size: expected at least 1K`);
  const options: MainOptions = {
    outDir: resolve(io.cwd, args.out ?? '.'),
    pieceSize,
    regroup: args.regroup || args.dump,
    dryRun: args.dryRun,
    allowSkipComments: args.allowSkipComments,
    dump: args.dump,
    databases: args.dump ? positional : [],
    host: args.host,
    port: args.port,
    user: args.user,
    password,
    socket: args.socket,
  };
  if (!options.dump) {
    if (positional.length > 1) throw new UsageError('at most one input FILE (use --dump for database names)');
    options.input = positional[0];
  }
  const started = Date.now();
  const summary = await run(options, io);
  report(summary, options.dryRun, (Date.now() - started) / 1000, log);
  if (args.json) await writeWithBackpressure(io.stdout, `${JSON.stringify(jsonSummary(summary, options.dryRun))}\n`);
  return ExitCode.Ok;
}

async function run(options: MainOptions, io: ToolIO): Promise<SplitSummary> {
  const split = {
    outDir: options.outDir,
    pieceSize: options.pieceSize,
    regroup: options.regroup,
    dryRun: options.dryRun,
    allowSkipComments: options.allowSkipComments,
  };
  if (options.dump) {
    // loaded only here: mysql2 costs start-up time the plain splitter does not need
    const { dumpAndSplit } = await import('./dump/run-dump.js');
    return dumpAndSplit(options, options.databases, split);
  }
  if (options.input === undefined || options.input === '-') return splitDump(io.stdin, split);
  const handle = await openNamedInput(options.input, io.cwd);
  try {
    return await splitDump(readFileChunks(handle), split);
  } finally {
    await handle.close();
  }
}

/** --piece-size as typed (the last one given), for the message. */
function pieceSizeText(argv: readonly string[]): string {
  const at = argv.findLastIndex((arg) => arg === '--piece-size' || arg.startsWith('--piece-size='));
  const arg = argv[at] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[at + 1] ?? '');
}

/** --json: what changed, by piece name (the pieces themselves are listed in DIR/MANIFEST). */
function jsonSummary(summary: SplitSummary, dryRun: boolean) {
  return {
    dryRun,
    pieces: summary.pieces.length,
    written: summary.written.map((p) => p.name),
    unchanged: summary.unchanged.length,
    removed: summary.removed,
    bytesIn: summary.bytesIn,
    bytesWritten: summary.bytesWritten,
  };
}

function report(summary: SplitSummary, dryRun: boolean, seconds: number, log: ReturnType<typeof createLogger>): void {
  const would = dryRun ? 'would be ' : '';
  for (const notice of summary.notices) log.warn(notice);
  for (const p of summary.written) log.info(`${would}written ${p.name}`);
  for (const p of summary.unchanged) log.info(`unchanged ${p.name}`);
  for (const name of summary.removed) log.info(`${would}removed ${name}`);
  log.notice(
    `${summary.pieces.length} pieces: ${summary.written.length} ${would}written (${formatIecSize(summary.bytesWritten)}), ` +
      `${summary.unchanged.length} unchanged, ${summary.removed.length} ${would}removed; ` +
      `read ${formatIecSize(summary.bytesIn)} in ${seconds.toFixed(1)} s`,
  );
}
