import { countFlag, stringFlag, HUMAN_READABLE_FLAG, JSON_FLAG, parseArgv, sizeFlag, toolParser, TOOLSET_VERSION, UsageError, verbosityOf, type ListingFormat, type ParsedArgs, type ToolIO } from '@rclone-b2/core';
import type { OutputFormat, TarLsDuOptions } from './tar-ls-du.js';

export const VERSION = TOOLSET_VERSION;

const FORMAT_FLAGS: ReadonlyArray<[key: 'tartv' | 'lsl' | 'rclonels' | 'rcloneLsl' | 'lsjson' | 'du', format: ListingFormat]> = [
  ['tartv', 'tar'],
  ['lsl', 'ls'],
  ['rclonels', 'rclone-ls'],
  ['rcloneLsl', 'rclone-lsl'],
  ['lsjson', 'lsjson'],
  ['du', 'du'],
];

const EPILOGUE = `Reads listings (stdin, or FILEs; - is stdin) and prints SIZE<TAB>PATH for every file and
every directory above it, largest first. Formats are detected from the first line.
Lines that cannot be parsed are reported on stderr (the first 10, then a count) and
skipped (exit status 1). A FILE that cannot be opened is exit status 2.

Examples:
  rclone ls remote: | tar-ls-du --rclone | sort -n
  tar tvf backup.tar | tar-ls-du -h --top 20
  LC_ALL=C ls -lR /srv | tar-ls-du --ncdu > srv.json && ncdu -f srv.json
  rclone ls remote: | tar-ls-du --rclone --top 20 --html space.html`;

function buildParser() {
  return toolParser({
    name: 'tar-ls-du',
    version: VERSION,
    usage: '$0 [options] [FILE...]',
    epilogue: EPILOGUE,
    flags: {
      ...JSON_FLAG,
      ...HUMAN_READABLE_FLAG,
      tartv: { alias: 'tar', type: 'boolean', description: 'Input is GNU tar or bsdtar `tar tv` output' },
      lsl: { alias: 'ls', type: 'boolean', description: 'Input is `ls -l` or `ls -lR` output (use LC_ALL=C)' },
      rclonels: { alias: 'rclone', type: 'boolean', description: 'Input is `rclone ls` output (SIZE PATH)' },
      'rclone-lsl': { type: 'boolean', description: 'Input is `rclone lsl` output' },
      lsjson: { type: 'boolean', description: 'Input is `rclone lsjson -R` output' },
      du: { type: 'boolean', description: 'Input is `du -ab` output (totals kept as du computed them)' },
      null: { alias: '0', type: 'boolean', default: false, description: 'Input records end with NUL, not newline' },
      depth: countFlag('depth', 'Only paths with at most N components'),
      top: countFlag('top', 'Only the N largest paths'),
      'min-size': sizeFlag('min-size', { description: 'Only paths of at least SIZE' }),
      csv: { type: 'boolean', default: false, description: 'CSV output: size,path,type' },
      ncdu: { type: 'boolean', default: false, description: "ncdu's JSON export (browse with ncdu -f FILE)" },
      html: stringFlag({ description: 'Also write a self-contained HTML report (treemap + largest directories) to FILE; - = stdout instead of the text report' }),
    },
  });
}

export function toOptions(args: ParsedArgs<ReturnType<typeof buildParser>>): TarLsDuOptions {
  const formats = FORMAT_FLAGS.filter(([key]) => args[key] === true).map(([, format]) => format);
  if (formats.length > 1) throw new UsageError('choose at most one input format flag');
  const outputs = (['csv', 'json', 'ncdu'] as const).filter((key) => args[key]);
  if (outputs.length > 1) throw new UsageError('choose at most one of --csv, --json, --ncdu');
  const output: OutputFormat = outputs[0] ?? 'text';
  const { depth, top } = args;
  const { minSize } = args;
  if (output === 'ncdu' && (depth !== undefined || top !== undefined || minSize !== undefined)) {
    throw new UsageError('--ncdu writes the whole tree; --depth, --top and --min-size do not apply');
  }
  if (args.html === '-' && outputs.length > 0) throw new UsageError(`--html - writes the page to stdout; --${output} cannot go there too`);
  return {
    files: args._.map(String),
    format: formats[0],
    nul: args.null,
    human: args.humanReadable,
    depth,
    top,
    minSize,
    output,
    html: args.html,
    verbosity: verbosityOf(args),
  };
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(buildParser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const options = toOptions(parsed.options);
  // Loaded only to run: --help, --version and usage errors never evaluate the command's code (start-up).
  const { tarLsDu } = await import('./tar-ls-du.js');
  return tarLsDu(options, io);
}
