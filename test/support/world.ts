// A backup world for cross-package fault tests: a b2-emulator on a frozen clock, an
// rclone.conf (b2 + crypt), a source tree, and the tools run as real processes.
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { startEmulator, writeRcloneTestConfig, type Emulator, type FaultRule, type RcloneTestConfig } from 'b2-emulator';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 0, 10, 12, 0, 0);
const ROOT = join(import.meta.dirname, '..', '..', 'packages');

export type Tool = 'rclone-backup' | 'b2-prune' | 'encrypted-restore' | 'encrypted-du';

export const binOf = (tool: Tool): string => join(ROOT, tool, 'bin', `${tool}.js`);

export interface Run {
  code: number;
  out: string;
  err: string;
}

export interface World {
  dir: string;
  source: string;
  emulator: Emulator;
  config: RcloneTestConfig;
  /** rclone-backup's config file for source → secret:data. */
  backupConf: string;
  env: Record<string, string>;
  /** Runs a tool's bin as a real process (never throws). */
  run(tool: Tool, args: string[], extraEnv?: Record<string, string>): Promise<Run>;
  /** Starts a tool's bin as a real process in its own process group (for SIGKILL tests). */
  spawn(tool: Tool, args: string[]): ResultPromise<{ reject: false; detached: true }>;
  close(): Promise<void>;
}

export async function startWorld(options: { faults?: FaultRule[]; seed?: number; name?: string } = {}): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), `${options.name ?? 'world'}-`));
  const emulator = await startEmulator({ faults: { seed: options.seed ?? 1, rules: options.faults ?? [] } });
  // Frozen first, then set: setting a ticking clock and freezing it after could land on T0 + 1 ms.
  emulator.clock.freeze();
  emulator.clock.set(T0);
  // the bucket is created before the faults matter: set-up is not under test
  const faults = options.faults;
  emulator.setFaults();
  const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'conf'), bucket: 'world-bucket', prefix: 'backup' });
  if (faults) emulator.setFaults({ seed: options.seed ?? 1, rules: faults });
  const source = join(dir, 'source');
  await mkdir(source, { recursive: true });
  const backupConf = join(dir, 'backup.conf');
  await writeFile(backupConf, ['[default]', `source = ${source}`, `destination = ${config.cryptPath}data`, 'archive_specials = no', 'max_delete = off', ''].join('\n'));
  const env = { RCLONE_CONFIG: config.configPath, HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'UTC', RCLONE_BACKUP_LOCK_DIR: join(dir, 'locks') };
  await mkdir(env.RCLONE_BACKUP_LOCK_DIR, { recursive: true });
  return {
    dir,
    source,
    emulator,
    config,
    backupConf,
    env,
    async run(tool, args, extraEnv = {}) {
      const r = await execa('node', [binOf(tool), ...args], { reject: false, env: { ...env, ...extraEnv }, extendEnv: false });
      return { code: r.exitCode ?? -1, out: String(r.stdout), err: String(r.stderr) };
    },
    spawn(tool, args) {
      return execa('node', [binOf(tool), ...args], { reject: false, detached: true, env, extendEnv: false });
    },
    async close() {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes files (path → content, null deletes) under root with a fixed mtime. */
export async function writeFiles(root: string, files: Record<string, string | Buffer | null>, mtime: number): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    if (content === null) {
      await rm(file, { force: true });
      continue;
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    await utimes(file, mtime / 1000, mtime / 1000);
  }
}

/** Every file and symlink under root: path → sha256 of the content, or `-> target`. */
export async function treeOf(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) out[relative(root, path)] = `-> ${await readlink(path)}`;
      else out[relative(root, path)] = createHash('sha256').update(await readFile(path)).digest('hex');
    }
  };
  await walk(root);
  return out;
}

/** Files under root that are not regular files or symlinks, or are left-over partial downloads. */
export async function strayEntries(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (!(await lstat(path)).isFile() && !entry.isSymbolicLink()) out.push(relative(root, path));
    }
  };
  await walk(root);
  return out;
}

/** The bucket as a comparable value: per encrypted name, its versions newest first (action, time, stored size). */
export function bucketState(emulator: Emulator, bucket = 'world-bucket'): string[] {
  const b = emulator.store.bucketByName(bucket);
  if (!b) return [];
  const view = emulator.store.view(b.bucketId);
  return view.sorted.flatMap((name) =>
    (view.names.get(name) ?? []).filter((v) => v.action !== 'start').map((v) => `${v.fileName} ${v.action} ${v.uploadTimestamp} ${v.contentLength}`),
  );
}

/** A deterministic pseudo-random source tree of small files (some empty, some a few hundred KiB). */
export function sourceFiles(random: () => number, count: number, tag: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    const dir = ['', 'docs/', 'photos/2023/', 'photos/2024/', 'deep/a/b/c/'][i % 5];
    const size = i % 7 === 0 ? 0 : i % 5 === 3 ? 150_000 + Math.floor(random() * 100_000) : Math.floor(random() * 4000);
    const bytes = Buffer.alloc(size);
    for (let j = 0; j < size; j++) bytes[j] = Math.floor(random() * 256);
    files[`${dir}file-${i}${i % 3 === 0 ? '.txt' : '.bin'}`] = Buffer.concat([Buffer.from(`${tag}:${i}:`), bytes]);
  }
  return files;
}
