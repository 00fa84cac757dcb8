#!/usr/bin/env node
// b2-prune: a `--dry-run` over 1,000,000 versions (100,000 files × 10) of an rclone-crypt
// bucket in the b2-emulator, end to end (listing, native name decryption, policy
// decisions): versions/s and peak RSS, next to the baseline of decoding the same names
// with `rclone backend decode` in batches of 1,000. Then deleting 20,000 versions with
// 50 ms injected latency per delete call, against the ideal deletes ÷ concurrency × latency.
// The emulator runs in its own process, seeded directly through its store (names made with
// core's crypt encryptPath), so only b2-prune is measured.
// Smaller smoke run: B2_PRUNE_BENCH_FILES=10000 B2_PRUNE_BENCH_DELETES=2000 pnpm bench b2-prune
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const FILES = Number(env.B2_PRUNE_BENCH_FILES ?? 100_000);
const PER_FILE = Number(env.B2_PRUNE_BENCH_PER_FILE ?? 10);
const DELETES = Number(env.B2_PRUNE_BENCH_DELETES ?? 20_000);
const TRANSFERS = Number(env.B2_PRUNE_BENCH_TRANSFERS ?? 50);
const RUNS = Number(env.B2_PRUNE_BENCH_RUNS ?? 3);
const LATENCY = 50;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1, 12);
const PASSWORD = 'bench password';
const SALT = 'bench salt';
const BIN = join(here, '../packages/b2-prune/bin/b2-prune.js');
const coreModule = join(here, '../packages/core/dist/index.js');
const emulatorModule = join(here, '../packages/b2-emulator/dist/index.js');
const { writeRcloneTestConfig } = await import(emulatorModule);

const work = mkdtempSync(join(tmpdir(), 'b2-prune-bench-'));
const namesFile = join(work, 'names.json');

// ---- the emulator child: seeds both buckets, then obeys JSON commands on stdin ----
const childCode = `
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startEmulator } from ${JSON.stringify(emulatorModule)};
import { createNameCipher, deriveKeys } from ${JSON.stringify(coreModule)};
const names = createNameCipher(await deriveKeys(${JSON.stringify(PASSWORD)}, ${JSON.stringify(SALT)}), { cacheSize: 0 });
const em = await startEmulator({ keyId: 'bench-key-id', key: 'bench-key' });
const DAY = ${DAY}, NOW = ${NOW};
function seed(bucketName, files, perFile, shape) {
  const bucket = em.store.createBucket(bucketName, 'allPrivate', {}, []);
  const encrypted = [];
  for (let i = 0; i < files; i++) encrypted.push(names.encryptPath('home/d' + (i % 500) + '/file-' + i + '.txt'));
  encrypted.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  encrypted.forEach((enc, i) => {
    for (let v = perFile - 1; v >= 0; v--) {
      const { action, age } = shape(i, v);
      em.store.addVersion({ bucketId: bucket.bucketId, fileName: 'backup/' + enc, action, contentLength: action === 'upload' ? 1000 + v : 0,
        contentSha1: action === 'upload' ? 'da39a3ee5e6b4b0d3255bfef95601890afd80709' : null, contentType: 'application/octet-stream',
        fileInfo: {}, uploadTimestamp: NOW - age });
    }
  });
  return encrypted;
}
// prune-bench: versions over ~400 days, every tenth file deleted (its newest version a hide)
const listed = seed('prune-bench', ${FILES}, ${PER_FILE}, (i, v) => ({
  action: v === 0 && i % 10 === 0 ? 'hide' : 'upload',
  age: v * 50 * DAY + (i % 97) * 3_600_000 + v * 1000 + 3_600_000,
}));
writeFileSync(${JSON.stringify(namesFile)}, JSON.stringify(listed));
// prune-delete: live files with 10 old versions each, all deleted by --purge
seed('prune-delete', ${Math.ceil(DELETES / 10)}, 11, (i, v) => ({ action: 'upload', age: v * DAY + i }));
process.stdout.write(JSON.stringify({ url: em.url }) + '\\n');
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line);
  if (cmd.faults !== undefined) em.setFaults(cmd.faults);
  process.stdout.write(JSON.stringify({ ok: true, stats: Object.fromEntries(em.stats) }) + '\\n');
}
await em.close();
`;

const child = spawn(process.execPath, ['--max-old-space-size=6144', '--input-type=module', '-e', childCode], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value);
const seedStart = performance.now();
const { url } = await next();
const seedSeconds = (performance.now() - seedStart) / 1000;
const command = async (cmd) => {
  child.stdin.write(`${JSON.stringify(cmd)}\n`);
  return next();
};

const emulator = { url, keyId: 'bench-key-id', key: 'bench-key' };
const mainConfig = await writeRcloneTestConfig({ emulator, dir: join(work, 'main'), bucket: 'prune-bench', password: PASSWORD, password2: SALT, createBucket: false });
const deleteConfig = await writeRcloneTestConfig({ emulator, dir: join(work, 'delete'), bucket: 'prune-delete', password: PASSWORD, password2: SALT, createBucket: false });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs b2-prune under /usr/bin/time; returns seconds, peak RSS (MB) and the JSON summary. */
function runPrune(args) {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, BIN, ...args, '--now', new Date(NOW).toISOString(), '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  const summaryLine = r.stdout.trim().split('\n').pop();
  if (r.status !== 0) throw new Error(`b2-prune exited ${r.status}: ${r.stderr}`);
  return { seconds, rss, summary: JSON.parse(summaryLine) };
}

// ---- 1. dry run over the big bucket ----
const dry = [];
for (let i = 0; i < RUNS; i++) dry.push(runPrune(['-n', '--rclone-config', mainConfig.configPath]));
const versionsSeen = dry[0].summary.versionsSeen;
const drySeconds = median(dry.map((d) => d.seconds));
const dryRss = Math.max(...dry.map((d) => d.rss));
const versionsPerSecond = versionsSeen / drySeconds;

// ---- reference: the B2 client alone listing the same bucket (the ceiling for a dry run) ----
const core = await import(coreModule);
const listRates = [];
for (let i = 0; i < RUNS; i++) {
  const remote = await core.openCryptRemote({ configPath: mainConfig.configPath, env: {} });
  const { client, bucket } = await core.openCryptBucket({ remote });
  const started = performance.now();
  let n = 0;
  for await (const v of client.listFileVersions(bucket.bucketId, { prefix: 'backup/', pageSize: 10_000 })) if (v) n += 1;
  listRates.push(n / ((performance.now() - started) / 1000));
}
const listRate = median(listRates);

// ---- baseline: rclone backend decode, batches of 1,000 names ----
const encrypted = JSON.parse(readFileSync(namesFile, 'utf8'));
const decodeStart = performance.now();
let decoded = 0;
for (let i = 0; i < encrypted.length; i += 1000) {
  const batch = encrypted.slice(i, i + 1000);
  const r = spawnSync('rclone', ['backend', 'decode', mainConfig.cryptPath, ...batch, '--config', mainConfig.configPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`rclone backend decode failed: ${r.stderr}`);
  decoded += r.stdout.trim().split('\n').length;
}
const decodeSeconds = (performance.now() - decodeStart) / 1000;
if (decoded !== encrypted.length) throw new Error(`rclone decoded ${decoded} of ${encrypted.length} names`);

// ---- 2. deleting with 50 ms latency per delete call ----
await command({ faults: [{ kind: 'latency', ms: LATENCY, calls: ['b2_delete_file_version'] }] });
const del = runPrune(['--purge', '--force', '--no-unfinished-large-files', '--transfers', String(TRANSFERS), '--rclone-config', deleteConfig.configPath]);
await command({ faults: [] });
const deleted = del.summary.versionsDeleted;
const ideal = (deleted / TRANSFERS) * (LATENCY / 1000);

child.stdin.end();
child.kill();
rmSync(work, { recursive: true, force: true });

const f = (x, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`Load average at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores).`);
console.log(`Seeded ${versionsSeen.toLocaleString('en-US')} versions (${FILES.toLocaleString('en-US')} files × ${PER_FILE}) + ${(Math.ceil(DELETES / 10) * 11).toLocaleString('en-US')} in ${f(seedSeconds)} s (${new Date().toISOString().slice(0, 10)}).\n`);
console.log('| measurement | value | target / baseline |');
console.log('|---|---|---|');
console.log(`| b2-prune --dry-run, ${versionsSeen.toLocaleString('en-US')} versions (median of ${RUNS}) | ${f(drySeconds)} s = **${f(versionsPerSecond, 0)} versions/s** (${f(encrypted.length / drySeconds, 0)} files/s) | ≥ 100,000 versions/s: ${versionsPerSecond >= 100_000 ? 'met' : 'NOT met'} |`);
console.log(`| reference: B2 client listing alone, same bucket (median of ${RUNS}) | ${f(listRate, 0)} versions/s | b2-prune's dry run reaches ${f((100 * versionsPerSecond) / listRate, 0)}% of it |`);
console.log(`| b2-prune --dry-run peak RSS | **${f(dryRss, 0)} MB** | < 300 MB: ${dryRss < 300 ? 'met' : 'NOT met'} |`);
console.log(`| rclone backend decode, same ${encrypted.length.toLocaleString('en-US')} names, batches of 1,000 | ${f(decodeSeconds)} s = ${f(encrypted.length / decodeSeconds, 0)} names/s | b2-prune's whole dry run is ${f(decodeSeconds / drySeconds, 2)}× faster than rclone decoding just the names |`);
console.log(`| delete ${deleted.toLocaleString('en-US')} versions, ${LATENCY} ms latency, --transfers ${TRANSFERS} | **${f(del.seconds)} s** (peak RSS ${f(del.rss, 0)} MB) | ideal ${f(ideal)} s; ratio ${f(del.seconds / ideal, 2)} (target ≤ 1.3: ${del.seconds / ideal <= 1.3 ? 'met' : 'NOT met'}) |`);
