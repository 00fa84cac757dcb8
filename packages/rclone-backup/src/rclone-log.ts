/**
 * rclone runs with `--use-json-log`, so every stderr line is one JSON record we can
 * read reliably (dry-run deletions, final stats) and render back in rclone's text form.
 */
export interface RcloneStats {
  bytes: number;
  checks: number;
  deletes: number;
  errors: number;
  transfers: number;
  elapsedTime: number;
  fatalError: boolean;
  lastError?: string;
}

export interface RcloneLogRecord {
  level: string;
  msg: string;
  object?: string;
  size?: number;
  skipped?: string;
  stats?: RcloneStats;
}

/** A parsed JSON log record, or undefined for a plain text line (rclone's last words, panics). */
export function parseLogLine(line: string): RcloneLogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Partial<RcloneLogRecord>;
    if (typeof value.level !== 'string' || typeof value.msg !== 'string') return undefined;
    return value as RcloneLogRecord;
  } catch {
    return undefined;
  }
}

const LEVEL_TEXT: Record<string, string> = {
  debug: 'DEBUG ',
  info: 'INFO  ',
  notice: 'NOTICE',
  warning: 'NOTICE',
  error: 'ERROR ',
  critical: 'CRITICAL',
};

/** Verbosity needed to show a level: -1 quiet shows errors, 0 notices, 1 info, 2 debug. */
export function levelVerbosity(level: string): number {
  if (level === 'debug') return 2;
  if (level === 'info') return 1;
  if (level === 'error' || level === 'critical' || level === 'alert' || level === 'emergency') return -1;
  return 0;
}

/** rclone's own text layout: `NOTICE: path: message`. */
export function renderRecord(record: RcloneLogRecord): string {
  const level = LEVEL_TEXT[record.level] ?? record.level.toUpperCase();
  const object = record.object ? `${record.object}: ` : '';
  return `${level}: ${object}${record.msg.replace(/^\n+|\n+$/g, '').replace(/\n/g, '\n  ')}`;
}

export function emptyStats(): RcloneStats {
  return { bytes: 0, checks: 0, deletes: 0, errors: 0, transfers: 0, elapsedTime: 0, fatalError: false };
}

/** The last lines of rclone's stderr for an error message, in rclone's text layout. */
export function renderTail(lines: readonly string[], count = 8): string[] {
  return lines
    .map((line) => {
      const record = parseLogLine(line);
      if (record && /^Config file .* not found/.test(record.msg)) return undefined;
      return record ? renderRecord(record) : line;
    })
    .filter((line): line is string => line !== undefined)
    .slice(-count);
}
