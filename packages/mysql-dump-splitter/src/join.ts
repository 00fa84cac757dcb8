import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { ExitCode, ProblemError, ToolError, writeWithBackpressure } from '@rclone-b2/core';
import { MANIFEST_NAME } from './piece-name.js';
import { readManifest, readStateFile } from './state.js';

export interface JoinOptions {
  dir: string;
  /** Only verify every piece against its recorded SHA-256; write nothing. */
  check: boolean;
}

export interface JoinSummary {
  pieces: number;
  bytes: number;
  /** Pieces whose content differs from their recorded SHA-256. */
  bad: string[];
  /** Pieces the state file has no SHA-256 for: their content could not be verified. */
  unverified: string[];
  /** Why the state file gave no records at all (missing, unreadable), if so. */
  stateProblem?: string;
}

/** Writes the pieces listed in DIR/MANIFEST, in that order, to out (the original dump, byte for byte). */
export async function joinPieces(options: JoinOptions, out: Writable): Promise<JoinSummary> {
  if (!existsSync(join(options.dir, MANIFEST_NAME))) {
    throw new ToolError(`${options.dir}: no ${MANIFEST_NAME} (not a mysql-dump-splitter directory?)`, ExitCode.Usage);
  }
  const names = readManifest(options.dir);
  const { state, problem } = readStateFile(options.dir);
  const expected = new Map(state.pieces.map((p) => [p.name, p.sha256]));
  const summary: JoinSummary = { pieces: 0, bytes: 0, bad: [], unverified: [], ...(problem ? { stateProblem: problem } : {}) };
  for (const name of names) {
    const path = join(options.dir, name);
    if (!existsSync(path)) throw new ProblemError(`${path}: piece listed in ${MANIFEST_NAME} is missing`);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      summary.bytes += chunk.length;
      if (!options.check) await writeWithBackpressure(out, chunk);
    }
    const want = expected.get(name);
    if (want === undefined) summary.unverified.push(name);
    else if (want !== hash.digest('hex')) summary.bad.push(name);
    summary.pieces += 1;
  }
  return summary;
}
