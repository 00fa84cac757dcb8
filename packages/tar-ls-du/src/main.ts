import { parseArgv, parseSize, toolParser, UsageError, verbosityOf, type ListingFormat, type ToolIO, positiveInteger } from '@rclone-b2/core';
import { tarLsDu, type OutputFormat, type TarLsDuOptions } from './tar-ls-du.js';

import { TOOLSET_VERSION } from '@rclone-b2/core';

export const VERSION = TOOLSET_VERSION;

const FORMAT_FLAGS: ReadonlyArray<[key: string, format: ListingFormat]> = [
  ['tartv', 'tar'],
  ['lsl', 'ls'],
  ['rclonels', 'rclone-ls'],
  ['rcloneLsl', 'rclone-lsl'],
  ['lsjson', 'lsjson'],
  ['du', 'du'],
];

const EPILOGUE = `Reads listings (stdin, or FILEs; - is stdin) and prints SIZE<TAB>PATH for every file and
every directory above it, largest first. Formats are detected from the first line.
Lines that cannot be parsed are reported on stderr and skipped (exit status 1).

Examples:
  rclone ls remote: | tar-ls-du --rclone | sort -n
  tar tvf backup.tar | tar-ls-du -h --top 20
  LC_ALL=C ls -lR /srv | tar-ls-du --ncdu > srv.json && ncdu -f srv.json`;

function buildParser() {
  return toolParser({ name: 'tar-ls-du', version: VERSION, usage: '$0 [options] [FILE...]', json: true, humanReadable: true, epilogue: EPILOGUE })
    .option('tartv', { alias: 'tar', type: 'boolean', description: 'Input is GNU tar or bsdtar `tar tv` output' })
    .option('lsl', { alias: 'ls', type: 'boolean', description: 'Input is `ls -l` or `ls -lR` output (use LC_ALL=C)' })
    .option('rclonels', { alias: 'rclone', type: 'boolean', description: 'Input is `rclone ls` output (SIZE PATH)' })
    .option('rclone-lsl', { type: 'boolean', description: 'Input is `rclone lsl` output' })
    .option('lsjson', { type: 'boolean', description: 'Input is `rclone lsjson -R` output' })
    .option('du', { type: 'boolean', description: 'Input is `du -ab` output (totals kept as du computed them)' })
    .option('null', { alias: '0', type: 'boolean', default: false, description: 'Input records end with NUL, not newline' })
    .option('depth', { type: 'number', description: 'Only paths with at most N components' })
    .option('top', { type: 'number', description: 'Only the N largest paths' })
    .option('min-size', { type: 'string', description: 'Only paths of at least SIZE (e.g. 10M)' })
    .option('csv', { type: 'boolean', default: false, description: 'CSV output: size,path,type' })
    .option('ncdu', { type: 'boolean', default: false, description: "ncdu's JSON export (browse with ncdu -f FILE)" });
}

export function toOptions(args: Record<string, unknown>): TarLsDuOptions {
  const formats = FORMAT_FLAGS.filter(([key]) => args[key] === true).map(([, format]) => format);
  if (formats.length > 1) throw new UsageError('choose at most one input format flag');
  const outputs = (['csv', 'json', 'ncdu'] as const).filter((key) => args[key] === true);
  if (outputs.length > 1) throw new UsageError('choose at most one of --csv, --json, --ncdu');
  const output: OutputFormat = outputs[0] ?? 'text';
  const depth = args.depth === undefined ? undefined : positiveInteger('depth', args.depth);
  const top = args.top === undefined ? undefined : positiveInteger('top', args.top);
  const minSize = typeof args.minSize === 'string' ? parseSize(args.minSize) : undefined;
  if (output === 'ncdu' && (depth !== undefined || top !== undefined || minSize !== undefined)) {
    throw new UsageError('--ncdu writes the whole tree; --depth, --top and --min-size do not apply');
  }
  return {
    files: ((args._ as unknown[]) ?? []).map(String),
    format: formats[0],
    nul: args.null === true,
    human: args.humanReadable === true,
    depth,
    top,
    minSize,
    output,
    verbosity: verbosityOf({ verbose: Number(args.verbose ?? 0), quiet: args.quiet === true }),
  };
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(buildParser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  return tarLsDu(toOptions(parsed.options as unknown as Record<string, unknown>), io);
}
