import { join } from 'node:path';
import { formatDuration, formatIecSize, openEncryptedBucket, ProblemError, writeWithBackpressure, type Logger, type ToolIO } from '@rclone-b2/core';
import { runDrill, type DrillResult } from './drill.js';

export interface DrillCommand {
  remoteName: string;
  path: string;
  configPath?: string | undefined;
  files?: number | undefined;
  bytes?: number | undefined;
  source?: string | undefined;
  ledger?: string | undefined;
  tempDir?: string | undefined;
  transfers: number;
  decryptWorkers: number;
  retries: number;
  json: boolean;
}

/** `$XDG_STATE_HOME/encrypted-restore/drill-REMOTE[-PATH].ledger` (~/.local/state without XDG). */
export function defaultLedger(env: Record<string, string | undefined>, remoteName: string, path: string): string {
  const state = env.XDG_STATE_HOME || join(env.HOME ?? '/root', '.local', 'state');
  const name = `drill-${remoteName}${path ? `-${path.replace(/[^A-Za-z0-9._-]+/g, '_')}` : ''}.ledger`;
  return join(state, 'encrypted-restore', name);
}

function summaryText(r: DrillResult, source: boolean): string {
  const lines = [
    `drill: restored ${r.drilled} of ${r.totalFiles} files (${formatIecSize(r.bytes)} of ${formatIecSize(r.totalBytes)}) in ${formatDuration(r.seconds * 1000)}: ` +
      `${formatIecSize(r.bytesPerSecond)}/s; restoring everything would take about ${formatDuration(r.projectedSeconds * 1000)} at this rate`,
  ];
  if (source) lines.push(`compared with the source: ${r.compared} identical, ${r.mismatches.length} DIFFERENT, ${r.changedSinceBackup} changed since the backup (not compared)`);
  return `${lines.join('\n')}\n`;
}

export async function encryptedRestoreDrill(command: DrillCommand, io: ToolIO, logger: Logger): Promise<number> {
  const { remote, bucket, plainSize } = await openEncryptedBucket({ ...command, concurrency: command.transfers, contentWorkers: command.decryptWorkers, logger }, io);
  try {
    const result = await runDrill({
      bucket,
      path: command.path,
      ...(command.files !== undefined ? { files: command.files } : {}),
      ...(command.bytes !== undefined ? { bytes: command.bytes } : {}),
      ...(command.source !== undefined ? { source: command.source } : {}),
      ...(command.tempDir !== undefined ? { tempDir: command.tempDir } : {}),
      ledger: command.ledger ?? defaultLedger(io.env, command.remoteName, command.path),
      now: Date.now(),
      random: Math.random,
      clock: () => performance.now(),
      restore: { content: remote.content, plainSize, transfers: command.transfers, retries: command.retries, links: true, ...(io.signal ? { signal: io.signal } : {}) },
      logger,
    });
    await writeWithBackpressure(io.stdout, command.json ? `${JSON.stringify({ drill: result })}\n` : summaryText(result, command.source !== undefined));
    if (result.totalFiles === 0) throw new ProblemError(`nothing to drill: ${command.remoteName}:${command.path} has no current files`);
    const problems = [result.failed ? `${result.failed} files could not be restored` : '', result.mismatches.length ? `${result.mismatches.length} restored files differ from the source` : ''].filter(Boolean);
    if (problems.length) throw new ProblemError(`drill failed: ${problems.join('; ')}`);
    return 0;
  } finally {
    await remote.content.close?.();
  }
}
