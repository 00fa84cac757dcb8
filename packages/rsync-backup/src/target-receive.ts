import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { acquirePidLock, GuardError, ProblemError, programEnding, programNotStarted, type ToolIO } from '@rclone-b2/core';
import { parseReceiveCommand } from './receive-command.js';
import { PARTIAL_SUFFIX } from './snapshot-name.js';
import { listSnapshots } from './target-area.js';

export interface ReceiveOptions {
  /** The host's snapshot area, fixed in authorized_keys by target-setup. */
  area: string;
  /** The command the client asked for ($SSH_ORIGINAL_COMMAND). */
  command: string | undefined;
  rsync: string;
  /** Store ownership and modes in xattrs (rsync --fake-super): the receiver is not root. */
  fakeSuper: boolean;
}

/**
 * The target's forced command: checks the client's rsync command, then runs the rsync
 * server itself with a command line of its own making — into AREA/NAME.partial, with
 * --link-dest at the newest complete snapshot — and renames the directory to NAME only
 * when rsync succeeded. The name must be newer than every snapshot there, so no existing
 * snapshot can be written into; nothing is ever deleted here (thinning runs as root).
 */
export async function receiveSnapshot(options: ReceiveOptions, io: ToolIO): Promise<0> {
  const request = parseReceiveCommand(options.command);
  const dryRun = /^-[^e]*n/.test(request.flags);
  const release = await acquirePidLock(join(options.area, '.receive.lock'), (pid) => `another snapshot is being received (process ${pid})`);
  try {
    const existing = await listSnapshots(options.area);
    const latest = existing.at(-1);
    if (latest && latest.name >= request.snapshot) {
      throw new GuardError(`snapshot ${request.snapshot} is not newer than the latest, ${latest.name}: existing snapshots cannot be written`);
    }
    const partial = join(options.area, request.snapshot + PARTIAL_SUFFIX);
    if (!dryRun) await mkdir(partial, { recursive: true, mode: 0o700 });
    const args = [
      '--server',
      request.flags,
      ...request.longOptions,
      ...(options.fakeSuper ? ['--fake-super'] : []),
      ...(latest ? [`--link-dest=${join(options.area, latest.name)}`] : []),
      '.',
      `${partial}/`,
    ];
    const result = await execa(options.rsync, args, { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, reject: false, cancelSignal: io.signal });
    const notStarted = programNotStarted(options.rsync, result);
    if (notStarted) throw notStarted;
    // 24: some source files vanished during the transfer; the snapshot is still whole. A signal leaves no exit status.
    const code = result.exitCode;
    if (code !== 0 && code !== 24) throw new ProblemError(`rsync server failed (${programEnding(result)}); ${request.snapshot} left incomplete as ${request.snapshot}${PARTIAL_SUFFIX}`);
    if (!dryRun) await rename(partial, join(options.area, request.snapshot));
    return 0;
  } finally {
    await release();
  }
}
