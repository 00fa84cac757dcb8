import { createRequire } from 'node:module';
import type yargs from 'yargs';
import type { Argv } from 'yargs';
import { EXIT_STATUS_HELP } from './exit-codes.js';
import { UsageError } from './errors.js';
import type { ToolIO } from './io.js';

export interface ToolSpec {
  /** The bin name, used in usage lines and error prefixes. */
  name: string;
  version: string;
  /** The usage line, e.g. `$0 [options] [FILE...]`. */
  usage: string;
  /** Adds `-n/--dry-run` (alias `--dryrun`). */
  dryRun?: boolean;
  /** Adds `--json`. */
  json?: boolean;
  /** Adds `-h/--human-readable` (as du and ls spell it); help is then only `--help`. */
  humanReadable?: boolean;
  /** Extra text printed before EXIT STATUS in --help. */
  epilogue?: string;
}

export interface CommonOptions {
  verbose: number;
  quiet: boolean;
  debug: boolean;
  dryRun: boolean;
  json: boolean;
  humanReadable: boolean;
}

type YargsFactory = typeof yargs;
let yargsFactory: YargsFactory | undefined;

/**
 * yargs and its helpers (cliui, string-width...) are ~35 modules and ~45 ms of start-up, so
 * they are loaded on the first toolParser() call, not when core is imported: runTool answers
 * a bare `--version` without them. yargs' ESM entry exports its factory as 'module.exports',
 * which is what require() of an ES module (Node >= 20.19) returns.
 */
function loadYargs(): YargsFactory {
  yargsFactory ??= createRequire(import.meta.url)('yargs') as YargsFactory;
  return yargsFactory;
}

/** The flags every tool shares, spelled as rclone and coreutils spell them. */
export function toolParser(spec: ToolSpec): Argv<CommonOptions> {
  const parser = loadYargs()()
    .scriptName(spec.name)
    .usage(spec.usage)
    .version(spec.version)
    .help('help')
    .strictOptions()
    .parserConfiguration({ 'camel-case-expansion': true, 'strip-aliased': true, 'strip-dashed': true })
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .option('verbose', { alias: 'v', type: 'count', description: 'More output (repeat for more)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, description: 'Only print errors' })
    .option('debug', { type: 'boolean', default: false, description: 'Print stack traces on errors' })
    .epilogue([spec.epilogue, EXIT_STATUS_HELP].filter(Boolean).join('\n\n'));
  if (spec.dryRun) {
    parser.option('dry-run', {
      alias: ['n', 'dryrun'],
      type: 'boolean',
      default: false,
      description: 'Show what would be done without changing anything',
    });
  }
  if (spec.humanReadable) {
    parser.option('human-readable', { alias: 'h', type: 'boolean', default: false, description: 'Sizes like 1.5K 20M 3.0G' });
  } else {
    parser.alias('help', 'h');
  }
  if (spec.json) parser.option('json', { type: 'boolean', default: false, description: 'Machine-readable JSON output' });
  return parser as unknown as Argv<CommonOptions>;
}

export type ParseResult<T> = { kind: 'options'; options: T } | { kind: 'exit'; exitCode: number };

/**
 * Parses argv without letting yargs print or exit: help and version text go to
 * io.stdout, mistakes become a UsageError (exit 2) with yargs' message.
 */
export async function parseArgv<T>(parser: Argv<T>, argv: readonly string[], io: ToolIO): Promise<ParseResult<T>> {
  let helpOutput = '';
  let failure: Error | undefined;
  const parsed = await new Promise<T | undefined>((resolve) => {
    parser
      .exitProcess(false)
      .fail((message, error) => {
        failure = error ?? new UsageError(message);
      })
      .parseAsync([...argv], {}, (error, args, output) => {
        if (error && !failure) failure = error;
        helpOutput = output;
        resolve(args as T);
      })
      .catch((error: unknown) => {
        if (!failure) failure = error instanceof Error ? error : new Error(String(error));
        resolve(undefined);
      });
  });
  if (failure) {
    throw failure instanceof UsageError ? failure : new UsageError(failure.message, { cause: failure });
  }
  if (helpOutput) {
    io.stdout.write(helpOutput.endsWith('\n') ? helpOutput : `${helpOutput}\n`);
    return { kind: 'exit', exitCode: 0 };
  }
  if (parsed === undefined) throw new UsageError('could not parse arguments');
  return { kind: 'options', options: parsed };
}

/** -q wins over -v: -1 quiet, 0 default, N for -v×N. */
export function verbosityOf(options: Pick<CommonOptions, 'verbose' | 'quiet'>): number {
  return options.quiet ? -1 : options.verbose;
}
