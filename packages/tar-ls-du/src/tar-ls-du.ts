import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { checkHtmlTarget, duReportData, writeHtmlReport } from '@rclone-b2/report';
import { cappedWarnings, createLogger, DuTree, openNamedInput, readFileChunks, readListing, TOOLSET_VERSION, writeDuReport, type ListingFormat, type ToolIO } from '@rclone-b2/core';

export type OutputFormat = 'text' | 'csv' | 'json' | 'ncdu';

export interface TarLsDuOptions {
  /** Listing files; empty or `-` means stdin. */
  files: string[];
  format: ListingFormat | undefined;
  nul: boolean;
  human: boolean;
  depth: number | undefined;
  top: number | undefined;
  minSize: number | undefined;
  output: OutputFormat;
  /** Also write the HTML report here (`-`: stdout, instead of the text report). */
  html?: string | undefined;
  verbosity: number;
}

const HINT = 'force one with --ls, --tar, --rclone, --rclone-lsl, --lsjson or --du';

/** Bad lines shown per input before the rest are only counted. */
const SHOWN_BAD_LINES = 10;

/**
 * Reads every listing into one tree, then prints the report. Every named input is opened
 * first: one that cannot be is a usage error (exit 2) and nothing is printed. Like du,
 * problems inside an input (unknown format, unparseable lines) are reported and the rest
 * is still summed and printed; the exit status is then 1.
 */
export async function tarLsDu(options: TarLsDuOptions, io: ToolIO): Promise<number> {
  const tree = new DuTree();
  const log = createLogger({ tool: 'tar-ls-du', stream: io.stderr, verbosity: options.verbosity });
  let problems = 0;
  const inputs = options.files.length > 0 ? options.files : ['-'];
  const handles = new Map<string, FileHandle>();
  if (options.html !== undefined) await checkHtmlTarget(options.html, io.cwd);
  try {
    for (const file of inputs) if (file !== '-' && !handles.has(file)) handles.set(file, await openNamedInput(file, io.cwd));
    // Named files say how much is coming: the tree makes room once instead of regrowing.
    let bytes = 0;
    for (const file of inputs) bytes += (await handles.get(file)?.stat())?.size ?? 0;
    tree.expectListingBytes(bytes);
    for (const file of inputs) {
      const name = file === '-' ? '(stdin)' : file;
      const handle = handles.get(file);
      // A named file is read in large synchronous chunks into one buffer (faster than a stream for one file).
      const stream: Readable | AsyncIterable<Buffer> = handle ? readFileChunks(handle.fd, undefined, true) : io.stdin;
      const badLines = cappedWarnings((m) => log.warn(m), SHOWN_BAD_LINES, (hidden) => `${name}: ${hidden} more lines cannot be parsed (not shown)`);
      try {
        const result = await readListing(stream, tree, { format: options.format, nul: options.nul, name, onWarning: badLines.warn });
        problems += result.skipped;
        badLines.finish();
        // -q hides the per-line warnings; one line still says why the status is 1
        if (log.verbosity < 0 && result.skipped > 0) log.error(`${name}: ${result.skipped} of ${result.lines} lines cannot be parsed`);
        // Said even with -q: each is why the status is 1 (a cut listing, input not NUL-separated...).
        for (const problem of result.problems) log.error(`${name}: ${problem}`);
        problems += result.problems.length;
        if (options.verbosity > 0) for (const note of result.notes) log.info(`${name}: ${note}`);
        if (result.format === undefined && result.firstLine !== undefined) {
          log.error(`${name}: unknown listing format (first line ${result.firstLine}); ${HINT}`);
          problems += 1;
        } else if (options.verbosity > 0) {
          log.info(`${name}: ${result.format ?? 'empty'}${result.crlf ? ' (CR LF line ends)' : ''}, ${result.lines} lines, ${result.skipped} skipped`);
        }
      } catch (error) {
        log.error(`${name}: ${describe(error)}`);
        problems += 1;
      }
    }
  } finally {
    for (const handle of handles.values()) await handle.close();
  }
  if (options.html !== undefined) {
    const title = `Space by directory: ${inputs.map((f) => (f === '-' ? 'stdin' : f)).join(', ')}`;
    await writeHtmlReport(options.html, io.cwd, io.stdout, await duReportData(tree, { tool: 'tar-ls-du', title }));
    if (options.html === '-') return problems > 0 ? 1 : 0;
  }
  await writeDuReport(tree, io.stdout, {
    format: options.output,
    human: options.human,
    depth: options.depth,
    top: options.top,
    minSize: options.minSize,
    progname: 'tar-ls-du',
    progver: TOOLSET_VERSION,
  });
  return problems > 0 ? 1 : 0;
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'is a directory (give a listing file, e.g. from ls -lR)';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
