import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cronWord, systemdArgument, systemdExecutable, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';

export type UnitKind = 'systemd' | 'cron.d';
export const UNIT_KINDS: readonly UnitKind[] = ['systemd', 'cron.d'];
export const DEFAULT_BIN = '/usr/local/bin/rsync-backup';

export interface UnitFile {
  name: string;
  text: string;
}

export interface ScheduledCommand {
  /** Names the files: rsync-backup-NAME.service / .timer / cron.d entry. */
  name: string;
  description: string;
  bin: string;
  args: readonly string[];
  /** systemd OnCalendar time of day and the cron minute/hour. */
  at: { hour: number; minute: number };
}

/** A oneshot service and a daily timer, or one /etc/cron.d line, for a command. */
export function unitFiles(kind: UnitKind, command: ScheduledCommand): UnitFile[] {
  const time = `${String(command.at.hour).padStart(2, '0')}:${String(command.at.minute).padStart(2, '0')}:00`;
  if (kind === 'cron.d') {
    const line = [command.bin, ...command.args].map(cronWord).join(' ');
    return [{ name: command.name, text: `# ${command.description}\nSHELL=/bin/sh\n${command.at.minute} ${command.at.hour} * * * root ${line}\n` }];
  }
  const execStart = ['ExecStart=' + systemdExecutable(command.bin), ...command.args.map(systemdArgument)].join(' ');
  return [
    { name: `${command.name}.service`, text: `[Unit]\nDescription=${command.description}\nWants=network-online.target\nAfter=network-online.target\n\n[Service]\nType=oneshot\n${execStart}\nNice=10\nIOSchedulingClass=idle\n` },
    { name: `${command.name}.timer`, text: `[Unit]\nDescription=${command.description} (daily)\n\n[Timer]\nOnCalendar=*-*-* ${time}\nRandomizedDelaySec=30m\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n` },
  ];
}

export const defaultUnitDir = (kind: UnitKind): string => (kind === 'cron.d' ? '/etc/cron.d' : '/etc/systemd/system');

/** Prints the files (each headed by its name), or writes them into `dir`. */
export async function emitUnits(files: readonly UnitFile[], dir: string | undefined, io: ToolIO): Promise<number> {
  if (dir === undefined) {
    for (const file of files) await writeWithBackpressure(io.stdout, `# ---- ${file.name}\n${file.text}`);
    return 0;
  }
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    await writeFile(join(dir, file.name), file.text, { mode: 0o644 });
    await writeWithBackpressure(io.stdout, `wrote ${join(dir, file.name)}\n`);
  }
  await writeWithBackpressure(io.stdout, dir.includes('systemd') ? `then: systemctl daemon-reload && systemctl enable --now ${files.at(-1)!.name}\n` : '');
  return 0;
}
