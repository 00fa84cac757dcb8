import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type UnitKind = 'systemd' | 'systemd-user' | 'cron';
export const UNIT_KINDS: readonly UnitKind[] = ['systemd', 'systemd-user', 'cron'];
export const DEFAULT_BIN = '/usr/local/bin/rclone-backup-nightly';

export interface UnitFile {
  name: string;
  text: string;
  mode: number;
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

/**
 * The unit files for each way of scheduling the runner. `scripts/systemd` and
 * `scripts/cron` hold these same texts (a test keeps them equal); --print-units and
 * --install-units write them with the path of the installed runner.
 */
export function unitFiles(kind: UnitKind, bin: string = DEFAULT_BIN): UnitFile[] {
  if (kind === 'cron') {
    return [
      {
        name: 'z-rclone-backups',
        mode: 0o755,
        text: `#!/bin/sh
# /etc/cron.daily/z-rclone-backups: nightly rclone backups (the "z" runs it after the
# other daily jobs, e.g. database exports). Settings: /etc/default/rclone-backups.
# Only errors are printed, so cron mails only when something needs attention.
exec ${bin} -q
`,
      },
    ];
  }
  if (kind === 'systemd') {
    return [
      {
        name: 'rclone-backups.service',
        mode: 0o644,
        text: `[Unit]
Description=Nightly rclone backups of every /etc/rclone-backups/*.conf
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${bin}
Nice=10
IOSchedulingClass=idle
# Settings (HEALTHCHECK_URL=, BUDGET=): /etc/default/rclone-backups
`,
      },
      { name: 'rclone-backups.timer', mode: 0o644, text: timer('system') },
    ];
  }
  return [
    {
      name: 'rclone-backups.service',
      mode: 0o644,
      text: `[Unit]
Description=Nightly rclone backups of every ~/.config/rclone-backups/*.conf

[Service]
Type=oneshot
ExecStart=${bin} --config-dir %E/rclone-backups --state-dir %S/rclone-backups --defaults-file %E/default/rclone-backups
Nice=10
`,
    },
    { name: 'rclone-backups.timer', mode: 0o644, text: timer('user') },
  ];
}

export function defaultUnitDir(kind: UnitKind, env: Record<string, string | undefined>): string {
  if (kind === 'cron') return '/etc/cron.daily';
  if (kind === 'systemd') return '/etc/systemd/system';
  return join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config'), 'systemd', 'user');
}

/** What to run after installing, as a user would type it. */
export function enableHint(kind: UnitKind): string {
  if (kind === 'cron') return 'cron runs /etc/cron.daily once a day; nothing else to do';
  if (kind === 'systemd') return 'systemctl daemon-reload && systemctl enable --now rclone-backups.timer';
  return 'systemctl --user daemon-reload && systemctl --user enable --now rclone-backups.timer (and loginctl enable-linger $USER to run while logged out)';
}

export async function installUnits(kind: UnitKind, dir: string, bin: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const unit of unitFiles(kind, bin)) {
    const file = join(dir, unit.name);
    await writeFile(file, unit.text);
    await chmod(file, unit.mode);
    written.push(file);
  }
  return written;
}
