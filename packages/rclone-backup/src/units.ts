import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, ProblemError, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import { reasonOf } from '@rclone-b2/core';
import { cronWord, shellWord, systemdArgument, systemdExecutable } from '@rclone-b2/core';

export type UnitKind = 'systemd' | 'systemd-user' | 'cron' | 'cron.d';
export const UNIT_KINDS: readonly UnitKind[] = ['systemd', 'systemd-user', 'cron', 'cron.d'];
export const DEFAULT_BIN = '/usr/local/bin/rclone-backup-nightly';

export interface UnitFile {
  name: string;
  text: string;
  mode: number;
}

/** What the units run: the runner, and the flags given with --print-units/--install-units. */
export interface RunnerCommand {
  bin: string;
  /** Each element one argument, e.g. ['--config-dir', '/srv/my backups']. */
  flags: readonly string[];
}

const timer = (scope: string): string => `[Unit]
Description=Nightly rclone backups (${scope})

[Timer]
OnCalendar=*-*-* 03:15:00
# Spread the load (and the B2 API calls) instead of every machine at 03:15 sharp.
RandomizedDelaySec=1h
# Catch up at boot when the machine was off at the scheduled time.
Persistent=true

[Install]
WantedBy=timers.target
`;

/** The per-user unit's defaults, as systemd specifiers (written as they are, unescaped). */
const USER_DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  ['--config-dir', '%E/rclone-backups'],
  ['--state-dir', '%S/rclone-backups'],
  ['--defaults-file', '%E/default/rclone-backups'],
];

function execStart(command: RunnerCommand, fixed: readonly string[] = []): string {
  return ['ExecStart=' + systemdExecutable(command.bin), ...fixed, ...command.flags.map(systemdArgument)].join(' ');
}

const configsOf = (command: RunnerCommand, fallback: string): string => (command.flags.includes('--config-dir') ? 'the --config-dir given in ExecStart' : fallback);

function systemService(command: RunnerCommand): string {
  return `[Unit]
Description=Nightly rclone backups of every *.conf in ${configsOf(command, '/etc/rclone-backups')}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
${execStart(command)}
Nice=10
IOSchedulingClass=idle
# Settings (HEALTHCHECK_URL=, BUDGET=): the defaults file, /etc/default/rclone-backups unless given
`;
}

function userService(command: RunnerCommand): string {
  const fixed = USER_DEFAULTS.filter(([flag]) => !command.flags.includes(flag)).flat();
  return `[Unit]
Description=Nightly rclone backups of every *.conf in ${configsOf(command, '~/.config/rclone-backups')}

[Service]
Type=oneshot
${execStart(command, fixed)}
Nice=10
`;
}

const cronDaily = (command: RunnerCommand): string => `#!/bin/sh
# /etc/cron.daily/z-rclone-backups: nightly rclone backups (the "z" runs it after the
# other daily jobs, e.g. database exports). Settings: the defaults file
# (/etc/default/rclone-backups unless --defaults-file is given below).
# Only errors are printed, so cron mails only when something needs attention.
exec ${[command.bin, '-q', ...command.flags].map(shellWord).join(' ')}
`;

const cronD = (command: RunnerCommand): string => `# /etc/cron.d/rclone-backups: nightly rclone backups at 03:15 as root. cron has no
# random delay: change the minute on each machine to spread the load. In a user's
# crontab (crontab -e), leave out the "root" field. Settings: the defaults file
# (/etc/default/rclone-backups unless --defaults-file is given below).
# Only errors are printed, so cron mails only when something needs attention.
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
15 3 * * * root ${[command.bin, '-q', ...command.flags].map(cronWord).join(' ')}
`;

/**
 * The unit files for each way of scheduling the runner. `scripts/systemd` and
 * `scripts/cron` hold these same texts for the defaults (a test keeps them equal);
 * --print-units and --install-units write them with the path of the installed runner
 * and the flags given, quoted for systemd, /bin/sh or cron (unit-quote.ts).
 */
export function unitFiles(kind: UnitKind, bin: string = DEFAULT_BIN, flags: readonly string[] = []): UnitFile[] {
  const command: RunnerCommand = { bin, flags };
  switch (kind) {
    case 'cron':
      return [{ name: 'z-rclone-backups', mode: 0o755, text: cronDaily(command) }];
    case 'cron.d':
      return [{ name: 'rclone-backups', mode: 0o644, text: cronD(command) }];
    case 'systemd':
      return [
        { name: 'rclone-backups.service', mode: 0o644, text: systemService(command) },
        { name: 'rclone-backups.timer', mode: 0o644, text: timer('system') },
      ];
    case 'systemd-user':
      return [
        { name: 'rclone-backups.service', mode: 0o644, text: userService(command) },
        { name: 'rclone-backups.timer', mode: 0o644, text: timer('user') },
      ];
  }
}

export function defaultUnitDir(kind: UnitKind, env: Record<string, string | undefined>): string {
  if (kind === 'cron') return '/etc/cron.daily';
  if (kind === 'cron.d') return '/etc/cron.d';
  if (kind === 'systemd') return '/etc/systemd/system';
  return join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config'), 'systemd', 'user');
}

/** What to run after installing, as a user would type it. */
export function enableHint(kind: UnitKind): string {
  if (kind === 'cron') return 'cron runs /etc/cron.daily once a day; nothing else to do';
  if (kind === 'cron.d') return 'cron reads /etc/cron.d by itself; nothing else to do';
  if (kind === 'systemd') return 'systemctl daemon-reload && systemctl enable --now rclone-backups.timer';
  return 'systemctl --user daemon-reload && systemctl --user enable --now rclone-backups.timer (and loginctl enable-linger $USER to run while logged out)';
}

/**
 * --print-units (no `install`) or --install-units: prints the files, or writes them into
 * `install.dir` and says what to run next (with dryRun: only what it would write).
 */
export async function writeUnits(kind: UnitKind, units: readonly UnitFile[], install: { dir: string; dryRun: boolean } | undefined, io: ToolIO): Promise<number> {
  if (!install) {
    // One file (cron) prints bare, so `> /etc/cron.daily/z-rclone-backups` keeps its #! line.
    for (const unit of units) await writeWithBackpressure(io.stdout, units.length > 1 ? `# ---- ${unit.name}\n${unit.text}` : unit.text);
    return ExitCode.Ok;
  }
  const files = units.map((unit) => ({ unit, file: join(install.dir, unit.name) }));
  if (install.dryRun) {
    await writeWithBackpressure(io.stdout, files.map(({ file }) => `would install ${file}\n`).join(''));
    return ExitCode.Ok;
  }
  try {
    await mkdir(install.dir, { recursive: true });
    for (const { unit, file } of files) {
      await writeFile(file, unit.text);
      await chmod(file, unit.mode);
    }
  } catch (error) {
    throw new ProblemError(`cannot install into ${install.dir}: ${reasonOf(error)} (as root, or --units-dir DIR)`, { cause: error });
  }
  await writeWithBackpressure(io.stdout, `${files.map(({ file }) => `installed ${file}\n`).join('')}next: ${enableHint(kind)}\n`);
  return ExitCode.Ok;
}
