import { ExitCode } from './exit-codes.js';
import { isToolError } from './errors.js';
import { processIO, type ToolIO } from './io.js';

/** A tool's pure entry: argv (without node and script) and streams in, exit status out. */
export type ToolMain = (argv: readonly string[], io: ToolIO) => Promise<number>;

/** Maps any error to `tool: message` on stderr and an exit code; stacks only with --debug. */
export function reportError(tool: string, error: unknown, io: ToolIO, debug: boolean): number {
  if (isToolError(error)) {
    io.stderr.write(`${tool}: ${error.message}\n`);
    if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`${tool}: ${message}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return ExitCode.Problem;
}

function isBrokenPipe(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'EPIPE';
}

/**
 * The only function that touches `process`: runs main with the real streams and sets
 * process.exitCode (never process.exit, which would cut off pending pipe writes).
 * EPIPE on stdout (`tool | head`) is a normal end.
 */
export async function runTool(tool: string, main: ToolMain): Promise<void> {
  const io = processIO();
  const argv = process.argv.slice(2);
  const debug = process.argv.includes('--debug');
  process.stdout.on('error', (error) => {
    if (isBrokenPipe(error)) process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    process.exitCode = await main(argv, io);
  } catch (error) {
    if (isBrokenPipe(error)) return;
    process.exitCode = reportError(tool, error, io, debug);
  }
}
