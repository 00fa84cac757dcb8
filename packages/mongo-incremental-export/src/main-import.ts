import { join, resolve } from 'node:path';
import { countFlag, createLogger, DRY_RUN_FLAG, durationFlag, JSON_FLAG, parseArgv, stringFlag, toolParser, TOOLSET_VERSION, UsageError, verbosityOf, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import { escapeName } from './names.js';

export const IMPORT_VERSION = TOOLSET_VERSION;

export const IMPORT_TOOL = 'mongo-incremental-import';

const EPILOGUE = `Restores a tree written by mongo-incremental-export into the database named by the URL.
Reads IN/DBNAME (DBNAME from the URL) or the directory given with --from. Collections that
already hold documents are refused (exit 3) unless --drop is given.

EXAMPLES
  mongo-incremental-import --in /restore/mongo mongodb://localhost/blog
  mongo-incremental-import --drop -c posts --from /restore/mongo/blog \\
      mongodb://localhost/blog_copy`;

export async function mainImport(argv: readonly string[], io: ToolIO): Promise<number> {
  const parser = toolParser({
    name: IMPORT_TOOL,
    version: IMPORT_VERSION,
    usage: '$0 [options] URL',
    epilogue: EPILOGUE,
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      in: stringFlag({ description: 'Directory holding the DBNAME directories (default: current directory)' }),
      from: stringFlag({ description: 'The exported database directory itself (overrides --in)' }),
      collection: { alias: 'c', type: 'string', array: true, nargs: 1, description: 'Import only this collection (repeatable)' },
      drop: { type: 'boolean', default: false, description: 'Drop each imported collection first' },
      timeout: durationFlag('timeout', { description: 'How long to wait for the server (default 30s)' }),
      'batch-size': countFlag('batch-size', 'Documents per insert', 1000),
    },
  });
  const result = await parseArgv(parser, argv, io);
  if (result.kind === 'exit') return result.exitCode;
  const options = result.options;
  const urls = options._.map(String);
  if (urls.length !== 1) throw new UsageError('exactly one MongoDB URL expected');
  const url = urls[0]!;
  // The MongoDB driver is loaded only now, past --help and argument errors (start-up time).
  const [{ parseMongoUrl }, { runImport }] = await Promise.all([import('./connect.js'), import('./import.js')]);
  const target = parseMongoUrl(url);
  const log = createLogger({ tool: IMPORT_TOOL, stream: io.stderr, verbosity: verbosityOf(options), secrets: target.secrets });
  const from = options.from ? resolve(io.cwd, options.from) : join(resolve(io.cwd, options.in ?? '.'), escapeName(target.dbName));
  const totals = await runImport({
    url,
    from,
    collections: options.collection ?? [],
    drop: options.drop,
    dryRun: options.dryRun,
    timeoutMs: options.timeout ?? 30_000,
    batchSize: options.batchSize,
    log,
  });
  log.info(`${totals.collections} collections, ${totals.documents} documents ${options.dryRun ? 'would be ' : ''}imported`);
  if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify({ dryRun: options.dryRun, ...totals })}\n`);
  return totals.badFiles > 0 ? 1 : 0;
}
