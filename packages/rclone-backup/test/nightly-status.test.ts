import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import { nightlyMain } from '../src/nightly-main.js';
import { RUN_RECORD_VERSION, runHistoryPath, type RunRecord } from '../src/run-history.js';
import { cleanup, memoryIO, tempDir, writeConfig, writeTree } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

const HOUR = 3_600_000;

function record(config: string, endedHoursAgo: number, exitCode: number, extra: Partial<RunRecord> = {}): RunRecord {
  const end = Date.now() - endedHoursAgo * HOUR;
  return {
    v: RUN_RECORD_VERSION,
    config,
    start: new Date(end - 60_000).toISOString(),
    end: new Date(end).toISOString(),
    durationMs: 60_000,
    exitCode,
    dryRun: false,
    transferred: { files: 2, bytes: 2048 },
    deleted: { files: 1, bytes: null },
    verified: { files: 1, bytes: 1024 },
    coverage: { windowMs: 30 * 24 * HOUR, filesPercent: 50, bytesPercent: 75, totalFiles: 4, totalBytes: 4096 },
    transactions: null,
    error: exitCode === 0 ? null : 'rclone-backup: rclone sync failed (exit status 1)',
    ...extra,
  };
}

/** A config directory with fresh, stale, failing and never-run backups and their histories. */
function setup() {
  const dir = tempDir('rb-status-');
  dirs.push(dir);
  const configDir = join(dir, 'configs');
  const stateDir = join(dir, 'state');
  mkdirSync(configDir);
  mkdirSync(stateDir);
  for (const name of ['fresh', 'stale', 'failing', 'never'])
    writeConfig(configDir, name, `[default]\nsource = ${dir}/src-${name}\ndestination = ${dir}/dst-${name}\n`);
  const history = (name: string, records: RunRecord[]): void =>
    writeFileSync(runHistoryPath(stateDir, name), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  history('fresh', [record('fresh', 49, 1), record('fresh', 25, 0), record('fresh', 1, 0)]);
  // last success 4 days ago, then nothing: stale, 3 runs missed
  history('stale', [record('stale', 4 * 24, 0)]);
  // succeeded 25 h ago, failed last night: failing but not stale; a torn line is skipped
  history('failing', [record('failing', 25, 0), record('failing', 1, 1)]);
  writeFileSync(runHistoryPath(stateDir, 'failing'), '{"v":1,"config":"fail', { flag: 'a' });
  return { dir, configDir, stateDir, args: ['--config-dir', configDir, '--state-dir', stateDir] };
}

describe('rclone-backup-nightly --status', () => {
  it('one line per config: fresh, stale, failing, never-run; exit 1 because one is stale', async () => {
    const t = setup();
    const io = memoryIO();
    expect(await nightlyMain([...t.args, '--status'], io)).toBe(1);
    const lines = io.out().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^failing: FAILING; last success \S+Z \(1d(\d+[hms])? ago\); last run failed \(exit 1\): rclone-backup: rclone sync failed \(exit status 1\); 1 consecutive failure; 0 runs missed; coverage 75% of bytes, 50% of files within 30d$/,
    );
    expect(lines[1]).toMatch(/^fresh: ok; last success \S+Z \(1h(\d+[ms])? ago\); last run ok; 0 consecutive failures; 0 runs missed; coverage 75% of bytes/);
    expect(lines[2]).toBe('never: NEVER RUN; no run recorded');
    expect(lines[3]).toMatch(/^stale: STALE; last success \S+Z \(4d(\d+[ms])? ago, max 2d\); last run ok; 0 consecutive failures; 3 runs missed;/);
    expect(io.err()).toMatch(/failing: 1 unreadable line\(s\) in its run history were skipped/);
  });

  it('exit 0 when every backup succeeded within --max-age; never-run alone is stale too', async () => {
    const t = setup();
    expect(await nightlyMain([...t.args, '--status', '--max-age', '5d'], memoryIO())).toBe(1);
    // the never-run config removed: all within 5 days
    const io = memoryIO();
    writeFileSync(join(t.configDir, 'never.conf.off'), '');
    await execa('rm', [join(t.configDir, 'never.conf')]);
    expect(await nightlyMain([...t.args, '--status', '--max-age', '5d'], io)).toBe(0);
    expect(io.out()).toMatch(/^stale: ok;/m);
  });

  it('--json: one document with state, age, failures, missed runs and coverage per config', async () => {
    const t = setup();
    const io = memoryIO();
    expect(await nightlyMain([...t.args, '--status', '--json'], io)).toBe(1);
    const doc = JSON.parse(io.out()) as {
      stale: number;
      backups: Array<{
        config: string;
        state: string;
        ageSeconds: number | null;
        consecutiveFailures: number;
        missedRuns: number;
        coverage: { bytesPercent: number } | null;
      }>;
    };
    expect(doc.stale).toBe(2);
    expect(doc.backups.map((b) => [b.config, b.state, b.consecutiveFailures, b.missedRuns])).toEqual([
      ['failing', 'failing', 1, 0],
      ['fresh', 'ok', 0, 0],
      ['never', 'never-run', 0, 0],
      ['stale', 'stale', 0, 3],
    ]);
    expect(doc.backups[1]?.ageSeconds).toBeGreaterThanOrEqual(3600);
    expect(doc.backups[2]?.ageSeconds).toBeNull();
  });

  it('--max-age without --status is a usage error', async () => {
    const t = setup();
    await expect(nightlyMain([...t.args, '--max-age', '1d'], memoryIO())).rejects.toThrow(/only go with --status/);
  });
});

describe('rclone-backup-nightly --metrics-file', () => {
  it('writes a valid Prometheus textfile after the run (promtool), with the run history values', async () => {
    const dir = tempDir('rb-metrics-');
    dirs.push(dir);
    const configDir = join(dir, 'configs');
    const stateDir = join(dir, 'state');
    mkdirSync(configDir);
    writeTree(join(dir, 'src-ok'), { 'a.bin': 'a'.repeat(3000), 'b/c.bin': 'c'.repeat(1000) });
    writeConfig(configDir, 'ok', `[default]\nsource = ${dir}/src-ok\ndestination = ${dir}/dst-ok\n`);
    writeConfig(configDir, 'we"ird', `[default]\nsource = ${dir}/missing\ndestination = ${dir}/dst-missing\n`);
    const metrics = join(dir, 'rclone-backup.prom');
    const args = ['--config-dir', configDir, '--state-dir', stateDir, '--defaults-file', join(dir, 'none'), '--metrics-file', metrics, '-q'];
    expect(await nightlyMain(args, memoryIO())).toBe(3);
    expect(await nightlyMain(args, memoryIO())).toBe(3);
    const text = readFileSync(metrics, 'utf8');
    const check = await execa('promtool', ['check', 'metrics'], { input: text, reject: false });
    expect(check.stderr + check.stdout).toBe('');
    expect(check.exitCode).toBe(0);
    const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    const value = (name: string, config: string, extra: Record<string, string> = {}): number => {
      const sample = families.get(name)?.metrics.find((m) => m.labels?.config === config && Object.entries(extra).every(([k, v]) => m.labels?.[k] === v));
      if (!sample) throw new Error(`no ${name}{config=${config}}`);
      return Number(sample.value);
    };
    expect(families.get('rclone_backup_last_success_timestamp_seconds')?.type).toBe('GAUGE');
    expect(value('rclone_backup_last_success_timestamp_seconds', 'ok')).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(value('rclone_backup_last_success_timestamp_seconds', 'we"ird')).toBe(0);
    expect(value('rclone_backup_consecutive_failures', 'we"ird')).toBe(2);
    expect(value('rclone_backup_consecutive_failures', 'ok')).toBe(0);
    expect(value('rclone_backup_last_run_exit_status', 'we"ird')).toBe(3);
    expect(value('rclone_backup_runs', 'ok')).toBe(2);
    // the first run uploaded both files, the second nothing
    expect(value('rclone_backup_last_run_transferred_files', 'ok')).toBe(0);
    expect(value('rclone_backup_size_bytes', 'ok')).toBe(4000);
    expect(value('rclone_backup_verify_coverage_ratio', 'ok', { of: 'bytes' })).toBe(1);
    expect(value('rclone_backup_last_run_duration_seconds', 'ok')).toBeGreaterThan(0);
    // the history the metrics came from
    const history = readFileSync(runHistoryPath(stateDir, 'ok'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as RunRecord);
    expect(history.map((r) => [r.exitCode, r.transferred.files])).toEqual([
      [0, 2],
      [0, 0],
    ]);
    expect(readFileSync(runHistoryPath(stateDir, 'we"ird'), 'utf8')).toMatch(/"error":"rclone-backup: source .* does not exist/);
  });

  it('a run record that cannot be appended is said and makes the run exit 1 (the run would read as missed)', async () => {
    const dir = tempDir('rb-history-');
    dirs.push(dir);
    const configDir = join(dir, 'configs');
    const stateDir = join(dir, 'state');
    mkdirSync(configDir);
    writeTree(join(dir, 'src'), { 'a.txt': 'a' });
    writeConfig(configDir, 'ok', `[default]\nsource = ${dir}/src\ndestination = ${dir}/dst\n`);
    mkdirSync(runHistoryPath(stateDir, 'ok'), { recursive: true });
    const io = memoryIO();
    expect(await nightlyMain(['--config-dir', configDir, '--state-dir', stateDir, '--defaults-file', join(dir, 'none'), '-q'], io)).toBe(1);
    expect(io.err()).toMatch(/^rclone-backup-nightly: cannot append to the run history of ok: /m);
  });
});
