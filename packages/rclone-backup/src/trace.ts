import type { Writable } from 'node:stream';

/**
 * Where an unchanged run spends its time (issue 14): with RCLONE_BACKUP_TRACE set, each phase
 * writes `rclone-backup: trace +MS ms (cpu CPU ms) phase` to stderr, MS counted from the
 * process's start (performance.now's origin) and CPU this process's own (rclone's is not in
 * it), so the path to starting rclone and the tail after it show.
 */
export type Trace = (phase: string) => void;

const silent: Trace = () => undefined;

export function createTrace(env: Record<string, string | undefined>, stderr: Writable): Trace {
  if (!env.RCLONE_BACKUP_TRACE) return silent;
  return (phase) => {
    const { user, system } = process.cpuUsage();
    stderr.write(`rclone-backup: trace +${performance.now().toFixed(1)} ms (cpu ${((user + system) / 1000).toFixed(0)} ms) ${phase}\n`);
  };
}
