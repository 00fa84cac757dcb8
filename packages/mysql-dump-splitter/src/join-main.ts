import { resolve } from 'node:path';
import { createLogger, ExitCode, JSON_FLAG, parseArgv, ProblemError, toolParser, TOOLSET_VERSION, UsageError, verbosityOf, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import { joinPieces } from './join.js';

export const JOIN_VERSION = TOOLSET_VERSION;

export const JOIN_TOOL = 'mysql-dump-join';

/** Unrecorded pieces named one by one, at most. */
const SHOWN = 10;

export async function joinMain(argv: readonly string[], io: ToolIO): Promise<number> {
  const parser = toolParser({
    name: JOIN_TOOL,
    version: JOIN_VERSION,
    usage: '$0 [--check] DIR\n\nWrites the pieces listed in DIR/MANIFEST, in order, to stdout: the dump that mysql-dump-splitter read.\nExample: mysql-dump-join /srv/dumps/db | mariadb',
    flags: {
      ...JSON_FLAG,
      check: { type: 'boolean', default: false, description: 'Verify every piece against its recorded SHA-256 (a piece without one fails: exit 1); print nothing (with --json: the result)' },
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const args = parsed.options;
  if (args._.length !== 1) throw new UsageError('expected exactly one DIR');
  if (args.json && !args.check) throw new UsageError('--json goes with --check (without it, stdout is the dump)');
  const log = createLogger({ tool: JOIN_TOOL, stream: io.stderr, verbosity: verbosityOf(args) });
  const summary = await joinPieces({ dir: resolve(io.cwd, String(args._[0])), check: args.check }, io.stdout);
  const { bad, unverified } = summary;
  if (args.json) await writeWithBackpressure(io.stdout, `${JSON.stringify({ pieces: summary.pieces, bytes: summary.bytes, bad, unverified })}\n`);
  for (const name of bad) log.error(`${name}: content does not match its recorded SHA-256`);
  // a missing state file leaves every piece unrecorded: one line says why, not one per piece
  const say = args.check ? log.error : log.warn;
  if (!summary.stateProblem) for (const name of unverified.slice(0, SHOWN)) say(`${name}: no recorded SHA-256`);
  if (!summary.stateProblem && unverified.length > SHOWN) say(`${unverified.length - SHOWN} more pieces without a recorded SHA-256 (not listed)`);
  const problems = [
    ...(bad.length ? [`${bad.length} of ${summary.pieces} pieces damaged`] : []),
    ...(unverified.length ? [`${unverified.length} pieces not verified: no recorded checksum${summary.stateProblem ? ` (${summary.stateProblem})` : ''}`] : []),
  ];
  // a restore without --check writes unverifiable pieces anyway, but says so
  if (!args.check && !bad.length && unverified.length) log.warn(problems.join('; '));
  else if (problems.length) throw new ProblemError(problems.join('; '));
  if (args.check) log.notice(`${summary.pieces} pieces, ${summary.bytes} bytes: all match`);
  return ExitCode.Ok;
}
