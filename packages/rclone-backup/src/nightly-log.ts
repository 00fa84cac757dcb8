import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { reasonOf } from '@rclone-b2/core';

/**
 * The run's log file, appended to with a time stamp per line. It can fail to open
 * (missing directory, a directory, no permission) or to take writes (disk full): then
 * `onProblem` hears it once, the backups carry on (the log is a record of the run, not
 * the run), and later lines are dropped instead of piling up in memory.
 */
export class RunLog {
  private problem: string | undefined;

  private constructor(
    private readonly stream: Writable | undefined,
    private readonly now: () => number,
  ) {}

  static async open(file: string, now: () => number, onProblem: (problem: string) => void): Promise<RunLog> {
    const handle = await open(file, 'a').catch((error: unknown) => {
      onProblem(`cannot open the log file ${file}: ${reasonOf(error)}`);
      return undefined;
    });
    const stream = handle?.createWriteStream();
    const log = new RunLog(stream, now);
    if (!stream) log.problem = 'not opened';
    stream?.on('error', (error) => {
      if (log.problem) return;
      log.problem = `cannot write the log file ${file}: ${reasonOf(error)}`;
      onProblem(log.problem);
    });
    return log;
  }

  /** Whether writing the log failed (the run then must not claim full success). */
  get failed(): boolean {
    return this.problem !== undefined;
  }

  /** `line` ends in a newline. */
  write(line: string): void {
    if (!this.problem) this.stream?.write(`${new Date(this.now()).toISOString()} ${line}`);
  }

  async close(): Promise<void> {
    if (!this.stream) return;
    this.stream.end();
    await finished(this.stream).catch(() => undefined);
  }
}
