// Two years of daily-ish `rclone sync` runs into the b2-emulator, with the emulator's
// clock moved to each simulated day, so the bucket holds genuine rclone-crypt data with
// a realistic history (changes, deletions, a deletion and re-creation).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { B2FileVersion } from '@rclone-b2/core';
import { createClock, startEmulator, writeRcloneTestConfig, type Emulator, type RcloneTestConfig } from 'b2-emulator';

export const DAY = 86_400_000;
export const START = Date.UTC(2024, 0, 1, 2);
export const SIM_DAYS = 730;
/** When b2-prune runs: noon on the last simulated day. */
export const NOW = START + SIM_DAYS * DAY + 10 * 3_600_000;
export const PASSWORD = 'correct horse';
export const SALT = 'battery staple';

/** Sync days: every 15 days, then every 3 days, then daily for the last two weeks. */
export function syncDays(): number[] {
  const days: number[] = [];
  for (let d = 0; d < 630; d += 15) days.push(d);
  for (let d = 630; d < SIM_DAYS - 14; d += 3) days.push(d);
  for (let d = SIM_DAYS - 14; d <= SIM_DAYS; d++) days.push(d);
  return days;
}

/** What the source tree holds on sync `run` (day `d`): path → content, or undefined for absent. */
export function sourceAt(run: number, d: number): Record<string, string | undefined> {
  return {
    'docs/daily.txt': `daily ${d}\n`.repeat(1 + (d % 5)),
    'docs/weekly.txt': `weekly ${Math.floor(run / 2)}\n`,
    'docs/static.txt': 'never changes\n',
    'docs/deleted-early.txt': d < 200 ? `early ${Math.floor(run / 3)}\n` : undefined,
    'docs/deleted-late.txt': d < 720 ? `late ${d}\n` : undefined,
    'docs/recreated.txt': d < 300 ? `first life ${d}\n` : d < 500 ? undefined : `second life ${Math.floor(run / 2)}\n`,
    'archives/2023/a.tar': `tarball ${d}\n`,
    'proj/.git/index': `git index ${d}\n`,
    'photos/x.jpg': 'jpeg bytes\n',
    'keepers/k.txt': `keeper ${d}\n`,
  };
}

export interface Simulation {
  emulator: Emulator;
  config: RcloneTestConfig;
  source: string;
  dir: string;
  close(): Promise<void>;
}

export async function simulateTwoYears(dir: string, bucket = 'prune-main'): Promise<Simulation> {
  const clock = createClock(START);
  clock.freeze();
  const emulator = await startEmulator({ clock });
  const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'main'), bucket, password: PASSWORD, password2: SALT });
  const source = join(dir, 'source');
  const days = syncDays();
  for (const [run, d] of days.entries()) {
    for (const [path, content] of Object.entries(sourceAt(run, d))) {
      const file = join(source, path);
      if (content === undefined) await rm(file, { force: true });
      else {
        await mkdir(join(file, '..'), { recursive: true });
        await writeFile(file, content);
      }
    }
    clock.set(START + d * DAY);
    await execa('rclone', ['sync', source, config.cryptPath, '--config', config.configPath, '--b2-hard-delete=false'], { env: config.env });
  }
  clock.set(NOW);
  return { emulator, config, source, dir, close: () => emulator.close() };
}

/** Copies every version (and content) of one bucket into a new bucket of the same emulator. */
export function cloneBucket(emulator: Emulator, from: string, to: string): void {
  const store = emulator.store;
  const source = store.bucketByName(from);
  if (!source) throw new Error(`no bucket ${from}`);
  const target = store.createBucket(to, 'allPrivate', {}, []);
  const view = store.view(source.bucketId);
  for (const name of view.sorted) {
    const versions = [...(view.names.get(name) ?? [])].reverse();
    for (const v of versions) {
      const { fileId, seq, ...fields } = v;
      store.addVersion({ ...fields, bucketId: target.bucketId }, store.blobs.get(fileId));
    }
  }
}

/** Every version of a bucket, per name, newest first, in B2's shape. */
export function snapshot(emulator: Emulator, bucket: string): Map<string, B2FileVersion[]> {
  const store = emulator.store;
  const b = store.bucketByName(bucket);
  if (!b) throw new Error(`no bucket ${bucket}`);
  const view = store.view(b.bucketId);
  const out = new Map<string, B2FileVersion[]>();
  for (const name of view.sorted) {
    out.set(
      name,
      (view.names.get(name) ?? []).map((v) => ({
        fileId: v.fileId,
        fileName: v.fileName,
        action: v.action,
        contentLength: v.contentLength,
        contentSha1: v.contentSha1,
        contentType: v.contentType,
        uploadTimestamp: v.uploadTimestamp,
        fileInfo: v.fileInfo,
      })),
    );
  }
  return out;
}

/** A comparable picture of a bucket: name → `action@time` list, newest first. */
export function shape(state: Map<string, B2FileVersion[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, versions] of state) out[name] = versions.map((v) => `${v.action}@${new Date(v.uploadTimestamp).toISOString()}`);
  return out;
}

/** A config for another bucket of the same emulator, same passwords (so names decrypt). */
export async function configFor(sim: Simulation, bucket: string, password = PASSWORD): Promise<RcloneTestConfig> {
  return writeRcloneTestConfig({ emulator: sim.emulator, dir: join(sim.dir, `cfg-${bucket}-${password.length}`), bucket, password, password2: SALT, createBucket: false });
}
