import { ExitCode, GuardError, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import { backupName } from './config.js';
import { runRcloneJson } from './context.js';
import { lockBackup } from './lock.js';
import type { BackupCliOptions } from './main.js';
import { openBackup } from './open-backup.js';
import { writeFilters } from './print-filters.js';
import { sourceListingArgs } from './rclone-args.js';
import { reportUsage, withUsage } from './usage-report.js';
import { parseVerifyConditions } from './verify-conditions.js';

/**
 * Runs one command of one backup with already-parsed options; returns the exit status. With
 * --json a run that fails still prints its one JSON line (`refused` for a guard, `error` for
 * anything else), so a machine reading stdout never meets silence; the message also goes to stderr.
 */
export async function runBackup(options: BackupCliOptions, io: ToolIO, now: () => number = Date.now): Promise<number> {
  if (!options.json) return runCommand(options, io, now);
  try {
    return await runCommand(options, io, now);
  } catch (error) {
    const why = error instanceof GuardError ? 'refused' : 'error';
    await writeWithBackpressure(io.stdout, `${JSON.stringify({ command: options.command, config: backupName(options.config), dryRun: options.dryRun, [why]: (error as Error).message })}\n`);
    throw error;
  }
}

async function runCommand(options: BackupCliOptions, io: ToolIO, now: () => number): Promise<number> {
  if (options.verify.length) parseVerifyConditions(options.verify);
  // A sync's modules (execa's ~100 among them) load while the config, secrets and lock are read.
  const syncModules = options.command === 'sync' ? Promise.all([import('./sync.js'), import('./specials-cache.js'), import('execa')]) : undefined;
  syncModules?.catch(() => undefined);
  // The B2 call count is shown at -v and in --json only; without them metering is pure cost.
  const { config, ctx, copyLinks } = await openBackup(options.config, { ...options, meter: options.json || options.verbosity >= 1 }, io, now);
  ctx.trace?.('config and secrets read');
  switch (options.command) {
    case 'filters':
      return writeFilters(config, io);
    case 'ls':
      await runRcloneJson(ctx, sourceListingArgs(config, ['ls'], { copyLinks }), {
        onStdoutLine: (line) => writeWithBackpressure(io.stdout, `${line}\n`),
      });
      return ExitCode.Ok;
    case 'newest':
      return (await (await import('./newest.js')).printNewest(config, ctx, copyLinks)) ? ExitCode.Ok : ExitCode.Problem;
    case 'audit':
      await (await import('./audit.js')).runAudit(config, ctx, { copyLinks, maxAge: options.maxAge, json: options.json, human: options.human });
      return ExitCode.Ok;
    default:
      break;
  }
  const { lock, release } = await lockBackup(config, options.lockDir, ctx);
  ctx.trace?.('lock acquired');
  try {
    if (options.command === 'verify') {
      const conditions = parseVerifyConditions(options.verify);
      const [{ runVerify }, { reportVerify }] = await Promise.all([import('./verify.js'), import('./verify-report.js')]);
      const summary = await runVerify(config, ctx, {
        conditions,
        mode: options.verifyMode,
        copyLinks,
        ledger: options.ledger,
        rotate: options.rotate,
        coverageWindowMs: options.coverageWindowMs,
        seed: options.seed,
        batchSize: options.batchSize,
      });
      reportUsage(ctx);
      if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify(withUsage(summary, ctx))}\n`);
      return reportVerify(summary, ctx.logger);
    }
    const [{ runSync }, { specialsCacheFor }] = await (syncModules ?? Promise.all([import('./sync.js'), import('./specials-cache.js'), import('execa')]));
    ctx.trace?.('sync modules loaded');
    const summary = await runSync(config, ctx, { dryRun: options.dryRun, copyLinks, force: options.force, strictGuards: options.strictGuards, specialsCache: specialsCacheFor(lock) });
    ctx.trace?.('sync done');
    reportUsage(ctx);
    if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify(withUsage(summary, ctx))}\n`);
    return summary.errors > 0 ? ExitCode.Problem : ExitCode.Ok;
  } finally {
    await release();
    ctx.trace?.('lock released');
  }
}
