import { resolve } from 'node:path';
import { countFlag, createLogger, DRY_RUN_FLAG, ExitCode, durationFlag, JSON_FLAG, parseArgv, stringFlag, toolParser, TOOLSET_VERSION, verbosityOf, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import type { WriteFileFn } from './export-collection.js';

export const EXPORT_VERSION = TOOLSET_VERSION;

export const EXPORT_TOOL = 'mongo-incremental-export';

const EPILOGUE = `Exports each database named by a URL (mongodb://[USER:PASS@]HOST[,HOST...]/DBNAME[?OPTIONS])
into OUT/DBNAME/COLLECTION/, one BSON file per document, rewriting only documents that changed.
Exclude the per-collection "checksums*" files from backups (rclone filter: "- checksums*").

EXAMPLES
  mongo-incremental-export --out /var/backups/mongo mongodb://localhost/blog
  mongo-incremental-export -v --repair --out /var/backups/mongo \\
      'mongodb://backup:PW@db1,db2/blog?replicaSet=rs0&authSource=admin'`;

/** Test-only hooks, not reachable from the command line. */
export interface ExportHooks { writeFile?: WriteFileFn }

export async function mainExport(argv: readonly string[], io: ToolIO, hooks: ExportHooks = {}): Promise<number> {
  const parser = toolParser({
    name: EXPORT_TOOL,
    version: EXPORT_VERSION,
    usage: '$0 [options] URL...',
    epilogue: EPILOGUE,
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      out: stringFlag({ description: 'Directory that receives the DBNAME directories (default: current directory)' }),
      repair: { type: 'count', description: 'Restore missing files, delete stray ones; twice: also re-read every file' },
      timeout: durationFlag('timeout', { description: 'How long to wait for the server (default 30s, unless the URL sets serverSelectionTimeoutMS)' }),
      'batch-size': countFlag('batch-size', 'Documents per cursor batch (the driver indexes a whole batch in memory)', 1000),
    },
  });
  const result = await parseArgv(parser, argv, io);
  if (result.kind === 'exit') return result.exitCode;
  const options = result.options;
  const urls: string[] = options._.map(String);
  // The MongoDB driver is loaded only now, past --help and argument errors (start-up time).
  const [{ parseMongoUrl }, { runExport }] = await Promise.all([import('./connect.js'), import('./export.js')]);
  const secrets = urls.flatMap((url) => { try { return parseMongoUrl(url).secrets; } catch { return []; } });
  const log = createLogger({ tool: EXPORT_TOOL, stream: io.stderr, verbosity: verbosityOf(options), secrets });
  const totals = await runExport({
    urls,
    out: resolve(io.cwd, options.out ?? '.'),
    dryRun: options.dryRun,
    repair: options.repair ?? 0,
    timeoutMs: options.timeout ?? 30_000,
    batchSize: options.batchSize,
    log,
    ...(hooks.writeFile ? { writeFile: hooks.writeFile } : {}),
  });
  const verb = options.dryRun ? 'would be ' : '';
  log.info(`${totals.collections} collections (${totals.views} views), ${totals.documents} documents (${totals.withoutId} without _id): ${totals.saved} ${verb}saved, ${totals.deleted} ${verb}deleted, ${totals.unchanged} unchanged${options.repair ? `, ${totals.strays} stray files ${verb}removed` : ''}`);
  if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify({ dryRun: options.dryRun, ...totals })}\n`);
  // Something the databases hold is not in the export: the run did not do all it says.
  return totals.notExported.length > 0 ? ExitCode.Problem : ExitCode.Ok;
}
