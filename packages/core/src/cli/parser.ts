// Typing: yargs 18 ships no types, and @types/yargs 17 is the newest typing there is for it
// (yargs 18 changed packaging, ESM-only, not the chainable API those types describe), so the
// parsed arguments' type is the one @types/yargs derives from the option chain itself:
// ArgumentsCamelCase<InferredOptionTypes<...>>. No tool writes an argument interface.
import { createRequire } from 'node:module';
import type yargs from 'yargs';
import type { ArgumentsCamelCase, Argv, Options } from 'yargs';
import { countFlag, stringFlag } from './arguments.js';
import { EXIT_STATUS_HELP } from './exit-codes.js';
import { UsageError } from './errors.js';
import type { ToolIO } from './io.js';
import { checkBooleanValues, usageMessage } from './usage-messages.js';

export type FlagDefinitions = Record<string, Options>;

export interface ToolSpec<F extends FlagDefinitions> {
  /** The bin name, used in usage lines and error prefixes. */
  name: string;
  version: string;
  /** The usage line, e.g. `$0 [options] [FILE...]`. */
  usage: string;
  /** The shared flag groups this tool takes (DRY_RUN_FLAG, JSON_FLAG, RCLONE_CONFIG_FLAG...), spread into one object. */
  flags: F;
  /** Extra text printed before EXIT STATUS in --help. */
  epilogue?: string;
}

/** `-n/--dry-run` (also `--dryrun`, as rclone spells it). */
export const DRY_RUN_FLAG = {
  'dry-run': { alias: ['n', 'dryrun'], type: 'boolean', default: false, description: 'Show what would be done without changing anything' },
} as const;

/** `--json`: the report or summary as JSON on stdout. */
export const JSON_FLAG = { json: { type: 'boolean', default: false, description: 'Machine-readable JSON output' } } as const;

/** `-h/--human-readable` as du and ls spell it; help is always `--help`. */
export const HUMAN_READABLE_FLAG = {
  'human-readable': { alias: 'h', type: 'boolean', default: false, description: 'Sizes like 1.5K 20M 3.0G (binary units, as du -h)' },
} as const;

/** `-P/--progress` as rclone spells it: progress on stderr (by default only when stderr is a terminal). */
export const PROGRESS_FLAG = {
  progress: { alias: 'P', type: 'boolean', default: false, description: 'Show progress on stderr (default: when stderr is a terminal)' },
} as const;

/** `--rclone-config FILE`, alias `--config` as rclone spells it, for every tool that reads rclone.conf. */
export const RCLONE_CONFIG_FLAG = {
  'rclone-config': stringFlag({ alias: 'config', description: 'rclone.conf to read (default: $RCLONE_CONFIG, else where rclone looks)' }),
};

/** rclone's own default for --transfers; every tool uses it. */
export const DEFAULT_TRANSFERS = 4;

/** `--transfers N`: parallel B2 calls or files, default 4 as in rclone. */
export function transfersFlag(what: string) {
  return { transfers: countFlag('transfers', what, DEFAULT_TRANSFERS) };
}

type YargsFactory = typeof yargs;
let yargsFactory: YargsFactory | undefined;

/**
 * yargs and its helpers (cliui, string-width...) are ~35 modules and ~45 ms of start-up, so
 * they are loaded on the first toolParser() call, not when core is imported. A bin loads
 * them first through preloadYargs(), whose import() a bundler follows (so the bundled bin
 * carries its own yargs); otherwise require() of the ES module (Node >= 20.19) returns yargs'
 * 'module.exports' export, its factory.
 */
function loadYargs(): YargsFactory {
  yargsFactory ??= createRequire(import.meta.url)('yargs') as YargsFactory;
  return yargsFactory;
}

/** Loads yargs ahead of toolParser(), by import() (runTool calls it before main). */
export async function preloadYargs(): Promise<void> {
  yargsFactory ??= (await import('yargs')).default;
}

/** The flags every tool shares, spelled as rclone and coreutils spell them, plus the tool's groups. */
export function toolParser<F extends FlagDefinitions>(spec: ToolSpec<F>) {
  return (
    loadYargs()()
      .scriptName(spec.name)
      .usage(spec.usage)
      .version(spec.version)
      // `-h` is --human-readable where a tool prints sizes (coreutils); help is only --help.
      .help('help')
      // English messages whatever LANG says: parseArgv rewrites them into one line naming the flag.
      .locale('en')
      .strictOptions()
      // Numbers are checked as typed (see arguments.ts); positionals stay the strings given.
      .parserConfiguration({ 'camel-case-expansion': true, 'parse-numbers': false, 'parse-positional-numbers': false })
      .wrap(Math.min(100, process.stdout.columns ?? 100))
      .option('verbose', { alias: 'v', type: 'count', description: 'More output (repeat for more)' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, description: 'Only print errors (no warnings, notices or progress)' })
      .option('debug', { type: 'boolean', default: false, description: 'Print stack traces on errors' })
      .epilogue([spec.epilogue, EXIT_STATUS_HELP].filter(Boolean).join('\n\n'))
      .options(spec.flags)
  );
}

/** The parsed arguments of a parser built by toolParser (for helpers that take them). */
export type ParsedArgs<P> = P extends Argv<infer T> ? ArgumentsCamelCase<T> : never;

export type ParseResult<T> = { kind: 'options'; options: ArgumentsCamelCase<T> } | { kind: 'exit'; exitCode: number };

/**
 * Parses argv without letting yargs print or exit: help and version text go to
 * io.stdout, mistakes become a UsageError (exit 2) with one line naming the flag as typed.
 */
export async function parseArgv<T>(parser: Argv<T>, argv: readonly string[], io: ToolIO): Promise<ParseResult<T>> {
  try {
    const { boolean, count } = flagKinds(parser);
    checkBooleanValues(argv, boolean, count);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let helpOutput = '';
  let failure: string | undefined;
  let cause: unknown;
  const parsed = await new Promise<ArgumentsCamelCase<T> | undefined>((resolve) => {
    parser
      .exitProcess(false)
      .fail((message, error) => {
        failure ??= message ?? error?.message ?? 'invalid arguments';
        cause ??= error;
      })
      .parseAsync([...argv], {}, (error, args, output) => {
        if (error && failure === undefined) {
          failure = error.message;
          cause = error;
        }
        helpOutput = output;
        resolve(args);
      })
      .catch((error: unknown) => {
        if (failure === undefined) {
          failure = error instanceof Error ? error.message : String(error);
          cause = error;
        }
        resolve(undefined);
      });
  });
  if (failure !== undefined) throw new UsageError(usageMessage(failure, argv), { cause });
  if (helpOutput) {
    io.stdout.write(helpOutput.endsWith('\n') ? helpOutput : `${helpOutput}\n`);
    return { kind: 'exit', exitCode: 0 };
  }
  if (parsed === undefined) throw new UsageError('could not parse arguments');
  return { kind: 'options', options: parsed };
}

/** The boolean and count flag names of a parser (yargs' getOptions(), which @types/yargs does not declare). */
function flagKinds(parser: object): { boolean: string[]; count: string[] } {
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : []);
  if (!('getOptions' in parser) || typeof parser.getOptions !== 'function') return { boolean: [], count: [] };
  const options: unknown = parser.getOptions();
  if (typeof options !== 'object' || options === null) return { boolean: [], count: [] };
  return { boolean: 'boolean' in options ? strings(options.boolean) : [], count: 'count' in options ? strings(options.count) : [] };
}

/** -q wins over -v: -1 quiet, 0 default, N for -v×N. */
export function verbosityOf(options: { verbose: number; quiet: boolean }): number {
  return options.quiet ? -1 : options.verbose;
}
