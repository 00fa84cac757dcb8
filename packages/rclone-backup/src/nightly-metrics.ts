import { writeFileAtomically } from '@rclone-b2/core';
import type { BackupStatus } from './nightly-status.js';

/** One metric family: a gauge per config (and per extra label when given). */
interface Family {
  name: string;
  help: string;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

/** A label value as the Prometheus text format wants it: backslash, quote and newline escaped. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function line(name: string, labels: Record<string, string>, value: number): string {
  const text = Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
  return `${name}{${text}} ${Number.isFinite(value) ? value : 0}\n`;
}

/**
 * The Prometheus text exposition of the configs' standing (node_exporter's textfile
 * collector reads it): gauges named in base units (seconds, bytes, ratios 0-1) with a
 * `config` label, each family once with HELP and TYPE. A value never known (no success
 * yet) is 0, so `time() - rclone_backup_last_success_timestamp_seconds` alerts.
 */
export function metricsText(statuses: readonly BackupStatus[]): string {
  const families = new Map<string, Family>();
  const add = (name: string, help: string, config: string, value: number, extra: Record<string, string> = {}): void => {
    const family = families.get(name) ?? { name, help, samples: [] };
    family.samples.push({ labels: { config, ...extra }, value });
    families.set(name, family);
  };
  for (const s of statuses) {
    const r = s.lastRun;
    const seconds = (iso: string | undefined): number => (iso ? Date.parse(iso) / 1000 : 0);
    add(
      'rclone_backup_last_success_timestamp_seconds',
      'End of the last nightly run of the backup that succeeded (0: none).',
      s.config,
      s.lastSuccessMs === null ? 0 : s.lastSuccessMs / 1000,
    );
    add('rclone_backup_last_run_timestamp_seconds', 'End of the last nightly run of the backup (0: never run).', s.config, seconds(r?.end));
    add('rclone_backup_last_run_duration_seconds', 'Duration of the last nightly run of the backup.', s.config, r ? r.durationMs / 1000 : 0);
    add('rclone_backup_last_run_exit_status', 'Exit status of the last run: 0 ok, 1 problem, 2 configuration, 3 guard refused.', s.config, r?.exitCode ?? 0);
    add('rclone_backup_consecutive_failures', 'Failed nightly runs since the last success.', s.config, s.consecutiveFailures);
    add('rclone_backup_runs', 'Nightly runs recorded in the history.', s.config, s.runs);
    add('rclone_backup_last_run_transferred_bytes', 'Bytes the last run uploaded.', s.config, r?.transferred.bytes ?? 0);
    add('rclone_backup_last_run_transferred_files', 'Files the last run uploaded.', s.config, r?.transferred.files ?? 0);
    add('rclone_backup_last_run_deleted_files', 'Files the last run deleted at the destination.', s.config, r?.deleted.files ?? 0);
    if (r?.deleted.bytes !== null && r?.deleted.bytes !== undefined)
      add('rclone_backup_last_run_deleted_bytes', 'Bytes the last run deleted at the destination.', s.config, r.deleted.bytes);
    add('rclone_backup_last_run_verified_files', 'Files the last run verified.', s.config, r?.verified.files ?? 0);
    add('rclone_backup_last_run_verified_bytes', 'Bytes the last run verified.', s.config, r?.verified.bytes ?? 0);
    if (s.coverage) {
      add('rclone_backup_verify_coverage_ratio', 'Share of the backup verified within the coverage window (0-1).', s.config, s.coverage.filesPercent / 100, {
        of: 'files',
      });
      add('rclone_backup_verify_coverage_ratio', 'Share of the backup verified within the coverage window (0-1).', s.config, s.coverage.bytesPercent / 100, {
        of: 'bytes',
      });
      add('rclone_backup_verify_coverage_window_seconds', 'The window the coverage ratio counts verifications in.', s.config, s.coverage.windowMs / 1000);
      add('rclone_backup_size_bytes', 'Bytes the backup holds (source with filters), at the last verify.', s.config, s.coverage.totalBytes);
      add('rclone_backup_size_files', 'Files the backup holds, at the last verify.', s.config, s.coverage.totalFiles);
    }
    const t = r?.transactions;
    if (t) {
      for (const c of ['A', 'B', 'C'] as const)
        add('rclone_backup_last_run_b2_transactions', 'B2 transactions the last run made, by billing class.', s.config, t[c], { class: c });
      add('rclone_backup_last_run_b2_uploaded_bytes', 'Bytes the last run uploaded to B2 (encrypted size).', s.config, t.bytesUp);
      add('rclone_backup_last_run_b2_downloaded_bytes', 'Bytes the last run downloaded from B2.', s.config, t.bytesDown);
    }
  }
  let text = '';
  for (const family of families.values()) {
    text += `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} gauge\n`;
    for (const sample of family.samples) text += line(family.name, sample.labels, sample.value);
  }
  return text;
}

/** Writes the file atomically (temp file + rename), so the collector never reads half of it. */
export async function writeMetricsFile(file: string, statuses: readonly BackupStatus[]): Promise<void> {
  await writeFileAtomically(file, metricsText(statuses));
}
