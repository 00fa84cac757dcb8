import { join, resolve } from 'node:path';
import { createLogger, parseArgv, parseDuration, toolParser, UsageError, verbosityOf, type ToolIO, positiveInteger } from '@rclone-b2/core';
import { parseMongoUrl } from './connect.js';
import { runImport } from './import.js';
import { escapeName } from './names.js';

import { TOOLSET_VERSION } from '@rclone-b2/core';
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
  const parser = toolParser({ name: IMPORT_TOOL, version: IMPORT_VERSION, usage: '$0 [options] URL', dryRun: true, epilogue: EPILOGUE })
    .option('in', { type: 'string', description: 'Directory holding the DBNAME directories (default: current directory)' })
    .option('from', { type: 'string', description: 'The exported database directory itself (overrides --in)' })
    .option('collection', { alias: 'c', type: 'string', description: 'Import only this collection (repeatable)' })
    .option('drop', { type: 'boolean', default: false, description: 'Drop each imported collection first' })
    .option('timeout', { type: 'string', default: '30s', description: 'How long to wait for the server' })
    .option('batch-size', { type: 'number', default: 1000, description: 'Documents per insert' });
  const result = await parseArgv(parser, argv, io);
  if (result.kind === 'exit') return result.exitCode;
  const options = result.options as typeof result.options & {
    in?: string; from?: string; collection?: string | string[]; drop: boolean; timeout: string; batchSize: number; _: (string | number)[];
  };
  const urls = options._.map(String);
  if (urls.length !== 1) throw new UsageError('exactly one MongoDB URL expected');
  const url = urls[0]!;
  const target = parseMongoUrl(url);
  positiveInteger('batch-size', options.batchSize);
  const log = createLogger({ tool: IMPORT_TOOL, stream: io.stderr, verbosity: verbosityOf(options), secrets: target.secrets });
  const from = options.from ? resolve(io.cwd, options.from) : join(resolve(io.cwd, options.in ?? '.'), escapeName(target.dbName));
  const totals = await runImport({
    url,
    from,
    collections: [options.collection ?? []].flat(),
    drop: options.drop,
    dryRun: options.dryRun,
    timeoutMs: parseDuration(options.timeout),
    batchSize: options.batchSize,
    log,
  });
  log.info(`${totals.collections} collections, ${totals.documents} documents ${options.dryRun ? 'would be ' : ''}imported`);
  return totals.badFiles > 0 ? 1 : 0;
}
