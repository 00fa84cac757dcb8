import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { DuTree, readListing, writeDuReport, type ListingFormat, type ToolIO } from '@rclone-b2/core';
import { TOOLSET_VERSION } from '@rclone-b2/core';

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
  verbosity: number;
}

const HINT = 'force one with --ls, --tar, --rclone, --rclone-lsl, --lsjson or --du';

/**
 * Reads every listing into one tree, then prints the report. Like du, problems with one
 * input (unreadable file, unknown format, unparseable lines) are reported and the rest
 * is still summed and printed; the exit status is then 1.
 */
export async function tarLsDu(options: TarLsDuOptions, io: ToolIO): Promise<number> {
  const tree = new DuTree();
  const warn = (message: string): void => void io.stderr.write(`tar-ls-du: ${message}\n`);
  let problems = 0;
  const inputs = options.files.length > 0 ? options.files : ['-'];
  for (const file of inputs) {
    const name = file === '-' ? '(stdin)' : file;
    const stream: Readable = file === '-' ? io.stdin : createReadStream(resolve(io.cwd, file));
    try {
      const result = await readListing(stream, tree, { format: options.format, nul: options.nul, name, onWarning: warn });
      problems += result.skipped;
      if (result.format === undefined && result.firstLine !== undefined) {
        warn(`${name}: unknown listing format (first line ${result.firstLine}); ${HINT}`);
        problems += 1;
      } else if (options.verbosity > 0) {
        warn(`${name}: ${result.format ?? 'empty'}, ${result.lines} lines, ${result.skipped} skipped`);
      }
    } catch (error) {
      warn(`${name}: ${describe(error)}`);
      problems += 1;
    } finally {
      if (file !== '-') stream.destroy();
    }
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
