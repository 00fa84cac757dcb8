import { resolve } from 'node:path';
import { ExitCode, createLogger, formatSize, parseArgv, parseSize, toolParser, UsageError, verbosityOf, type ToolIO } from '@rclone-b2/core';
import { openInput } from './open-input.js';
import { readFileChunks, splitDump, type SplitSummary } from './split.js';

export const VERSION = '0.1.0';

export const TOOL = 'mysql-dump-splitter';

const EPILOGUE = `Restore: mysql-dump-join DIR | mariadb   (or: cd DIR && xargs -d '\\n' cat < MANIFEST | mariadb)
Bad input (empty, binary, truncated, not a dump) exits 2 and changes nothing in DIR.`;

export interface MainOptions {
  input?: string;
  outDir: string;
  pieceSize: number;
  regroup: boolean;
  dryRun: boolean;
  dump: boolean;
  databases: string[];
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  socket?: string;
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parser = toolParser({ name: TOOL, version: VERSION, usage: '$0 [options] [FILE]\n$0 --dump [connection options] DATABASE...', dryRun: true, epilogue: EPILOGUE })
    .option('out', { alias: 'o', type: 'string', description: 'Output directory (default: current directory)' })
    .option('piece-size', { type: 'string', default: '4M', description: 'Target piece size (content-defined average)' })
    .option('regroup', { type: 'boolean', default: false, description: 'Rewrite extended INSERTs into content-defined groups' })
    .option('dump', { type: 'boolean', default: false, description: 'Read the databases with mysql2 instead of reading mysqldump output' })
    .option('host', { type: 'string', description: '--dump: server host' })
    .option('port', { alias: 'P', type: 'number', description: '--dump: server port' })
    .option('user', { alias: 'u', type: 'string', description: '--dump: user name' })
    .option('password', { alias: 'p', type: 'string', description: '--dump: password (better: MYSQL_PWD in the environment)' })
    .option('socket', { alias: 'S', type: 'string', description: '--dump: Unix socket path' });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const args = parsed.options as unknown as Record<string, unknown> & { _: Array<string | number> };
  const positional = args._.map(String);
  const password = (args.password as string | undefined) ?? io.env.MYSQL_PWD;
  const log = createLogger({ tool: TOOL, stream: io.stderr, verbosity: verbosityOf(parsed.options), secrets: password ? [password] : [] });
  const pieceSize = parseSize(String(args.pieceSize));
  if (pieceSize < 1024) throw new UsageError('--piece-size must be at least 1K');
  const options: MainOptions = {
    outDir: resolve(io.cwd, (args.out as string | undefined) ?? '.'),
    pieceSize,
    regroup: Boolean(args.regroup) || Boolean(args.dump),
    dryRun: parsed.options.dryRun,
    dump: Boolean(args.dump),
    databases: args.dump ? positional : [],
    host: args.host as string | undefined,
    port: args.port as number | undefined,
    user: args.user as string | undefined,
    password,
    socket: args.socket as string | undefined,
  };
  if (!options.dump) {
    if (positional.length > 1) throw new UsageError('at most one input FILE (use --dump for database names)');
    options.input = positional[0];
  }
  const started = Date.now();
  const summary = await run(options, io);
  report(summary, options.dryRun, (Date.now() - started) / 1000, log);
  return ExitCode.Ok;
}

async function run(options: MainOptions, io: ToolIO): Promise<SplitSummary> {
  const split = { outDir: options.outDir, pieceSize: options.pieceSize, regroup: options.regroup, dryRun: options.dryRun };
  if (options.dump) {
    // loaded only here: mysql2 costs start-up time the plain splitter does not need
    const { dumpAndSplit } = await import('./dump/run-dump.js');
    return dumpAndSplit(options, options.databases, split);
  }
  if (options.input === undefined || options.input === '-') return splitDump(io.stdin, split);
  const handle = await openInput(options.input, io.cwd);
  try {
    return await splitDump(readFileChunks(handle), split);
  } finally {
    await handle.close();
  }
}

function report(summary: SplitSummary, dryRun: boolean, seconds: number, log: ReturnType<typeof createLogger>): void {
  const would = dryRun ? 'would be ' : '';
  for (const p of summary.written) log.info(`${would}written ${p.name}`);
  for (const p of summary.unchanged) log.info(`unchanged ${p.name}`);
  for (const name of summary.removed) log.info(`${would}removed ${name}`);
  log.notice(
    `${summary.pieces.length} pieces: ${summary.written.length} ${would}written (${formatSize(summary.bytesWritten)}), ` +
      `${summary.unchanged.length} unchanged, ${summary.removed.length} ${would}removed; ` +
      `read ${formatSize(summary.bytesIn)} in ${seconds.toFixed(1)} s`,
  );
}
