#!/usr/bin/env node
// B2 client + b2-emulator: listing N versions (default 1,000,000: 250,000 names × 4
// versions) through B2Client at 0 ms and 50 ms injected latency, against the baseline
// `rclone lsf -R --b2-versions` on the same bucket; deletes/s at concurrency 1, 8, 32 with
// 50 ms latency; download throughput with SHA-1 check vs `rclone cat`.
// The emulator runs in its own process (seeded directly), so client and rclone are measured alike.
// Smaller smoke run: B2_BENCH_VERSIONS=100000 pnpm bench b2
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const VERSIONS = Number(process.env.B2_BENCH_VERSIONS ?? 1_000_000);
const RUNS = Number(process.env.B2_BENCH_RUNS ?? 2);
const PER_NAME = 4;
const NAMES = Math.ceil(VERSIONS / PER_NAME);
const LATENCY = 50;
const core = await import('../packages/core/dist/index.js');
const emulatorModule = join(here, '../packages/b2-emulator/dist/index.js');

// ---- the emulator child: seeds the buckets, then obeys JSON commands on stdin ----
const childCode = `
import { startEmulator } from ${JSON.stringify(emulatorModule)};
import { createInterface } from 'node:readline';
const em = await startEmulator({ keyId: 'bench-key-id', key: 'bench-key' });
const big = em.store.createBucket('bench-list', 'allPrivate', {}, []);
const names = ${NAMES}, per = ${PER_NAME};
const t0 = Date.UTC(2024, 0, 1);
for (let d = 0; d < 100; d++) {
  const dir = 'data/d' + String(d).padStart(2, '0') + '/';
  for (let i = d; i < names; i += 100) {
    const name = dir + 'file-' + String(i).padStart(8, '0') + '.bin';
    for (let v = 0; v < per; v++) em.store.addVersion({ bucketId: big.bucketId, fileName: name, action: v === per - 1 && i % 10 === 0 ? 'hide' : 'upload',
      contentLength: 1000 + v, contentSha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', contentType: 'application/octet-stream',
      fileInfo: { src_last_modified_millis: String(t0 + v) }, uploadTimestamp: t0 + v * 86400000 + i });
  }
}
em.store.createBucket('bench-small', 'allPrivate', {}, []);
process.stdout.write(JSON.stringify({ url: em.url }) + '\\n');
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line);
  if (cmd.faults !== undefined) em.setFaults(cmd.faults);
  process.stdout.write(JSON.stringify({ ok: true }) + '\\n');
}
await em.close();
`;

const child = spawn(process.execPath, ['--max-old-space-size=4096', '--max-semi-space-size=64', '--input-type=module', '-e', childCode], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value);
const seedStart = performance.now();
const { url } = await next();
const seedSeconds = (performance.now() - seedStart) / 1000;
const command = async (cmd) => {
  child.stdin.write(`${JSON.stringify(cmd)}\n`);
  await next();
};
const latency = (ms) => command({ faults: ms ? [{ kind: 'latency', ms }] : [] });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const connect = (concurrency = 8) =>
  core.B2Client.authorize({ applicationKeyId: 'bench-key-id', applicationKey: 'bench-key', endpoint: url, concurrency });

async function clientList(pageSize) {
  const client = await connect();
  const bucket = await client.getBucket('bench-list');
  const start = performance.now();
  let n = 0;
  for await (const v of client.listFileVersions(bucket.bucketId, { pageSize })) if (v.fileId) n++;
  const seconds = (performance.now() - start) / 1000;
  return { n, seconds, calls: client.calls.b2_list_file_versions, classC: client.transactions.C };
}

const tmp = mkdtempSync(join(tmpdir(), 'b2-bench-'));
const conf = join(tmp, 'rclone.conf');
writeFileSync(conf, `[emu]\ntype = b2\naccount = bench-key-id\nkey = bench-key\nendpoint = ${url}\n`);
function rclone(args, opts = {}) {
  const start = performance.now();
  const r = spawnSync('rclone', ['--config', conf, ...args], { maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) throw new Error(`rclone ${args.join(' ')}: ${r.stderr}`);
  return { seconds: (performance.now() - start) / 1000, stdout: r.stdout };
}

const report = [];
const row = (...cells) => report.push(`| ${cells.join(' | ')} |`);

// ---- listing ----
report.push(`Listing ${VERSIONS.toLocaleString('en')} versions (${NAMES.toLocaleString('en')} names × ${PER_NAME}) from the emulator (seeded in ${seedSeconds.toFixed(1)} s).`, '');
report.push('| what | versions | list calls | class C | median s | versions/s |', '|---|---:|---:|---:|---:|---:|');
await latency(0);
const results = {};
for (const pageSize of [10_000, 1000]) {
  const runs = [];
  for (let i = 0; i < (pageSize === 10_000 ? RUNS : 1); i++) runs.push(await clientList(pageSize));
  const s = median(runs.map((r) => r.seconds));
  results[pageSize] = { ...runs[0], seconds: s };
  row(`B2Client.listFileVersions pageSize ${pageSize}, 0 ms`, runs[0].n, runs[0].calls, runs[0].classC, s.toFixed(2), Math.round(runs[0].n / s).toLocaleString('en'));
}
const rcloneRuns = [];
let rcloneLines = 0;
for (let i = 0; i < Math.max(1, RUNS - 1); i++) {
  const r = rclone(['lsf', '-R', '--files-only', '--b2-versions', 'emu:bench-list']);
  rcloneLines = r.stdout.toString().split('\n').filter(Boolean).length;
  rcloneRuns.push(r.seconds);
}
const rcloneSeconds = median(rcloneRuns);
row('baseline: rclone lsf -R --b2-versions (1000 per call), 0 ms', rcloneLines, Math.ceil(VERSIONS / 1000), '-', rcloneSeconds.toFixed(2), Math.round(rcloneLines / rcloneSeconds).toLocaleString('en'));
await latency(LATENCY);
const slow = await clientList(1000);
row(`B2Client.listFileVersions pageSize 1000, ${LATENCY} ms latency`, slow.n, slow.calls, slow.classC, slow.seconds.toFixed(2), Math.round(slow.n / slow.seconds).toLocaleString('en'));
report.push('', `Ratio client (pageSize 10000) / rclone wall time at 0 ms: **${(results[10000].seconds / rcloneSeconds).toFixed(2)}×** (pageSize 1000: ${(results[1000].seconds / rcloneSeconds).toFixed(2)}×).`);
const latencyBudget = (slow.calls * LATENCY) / 1000;
report.push(`With ${LATENCY} ms latency (pageSize 1000): total ${slow.seconds.toFixed(2)} s = **${(slow.seconds / latencyBudget).toFixed(2)}×** (list calls × latency = ${latencyBudget.toFixed(2)} s); the latency added ${(slow.seconds - results[1000].seconds).toFixed(2)} s over the 0 ms run with the same page size (${((slow.seconds - results[1000].seconds) / latencyBudget).toFixed(2)}× of calls × latency: the next page is fetched while the current one is consumed; the rest is the emulator building pages).`);

// ---- deletes ----
report.push('', `Deletes (b2_delete_file_version) with ${LATENCY} ms injected latency:`, '', '| concurrency | deletes | s | deletes/s | speed-up vs 1 |', '|---:|---:|---:|---:|---:|');
{
  await latency(0);
  const client = await connect(64);
  const bucket = await client.getBucket('bench-small');
  const counts = { 1: 60, 8: 400, 32: 1200 };
  const files = [];
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  for (let i = 0; i < total; i += 50) {
    files.push(...(await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, k) => client.uploadFile(bucket.bucketId, `del/${i + k}`, Buffer.from('x'))))));
  }
  await latency(LATENCY);
  let base;
  for (const c of [1, 8, 32]) {
    const worker = await connect(c);
    const batch = files.splice(0, counts[c]);
    const start = performance.now();
    await Promise.all(batch.map((f) => worker.deleteFileVersion(f.fileName, f.fileId)));
    const s = (performance.now() - start) / 1000;
    const rate = batch.length / s;
    base ??= rate;
    row(c, batch.length, s.toFixed(2), rate.toFixed(1), `${(rate / base).toFixed(1)}×`);
  }
}

// ---- downloads ----
await latency(0);
{
  const client = await connect(8);
  const bucket = await client.getBucket('bench-small');
  const FILES = 6;
  const SIZE = 16 * 1024 * 1024;
  const uploaded = [];
  for (let i = 0; i < FILES; i++) uploaded.push(await client.uploadFile(bucket.bucketId, `dl/file-${i}.bin`, randomBytes(SIZE)));
  const clientRuns = [];
  const rcloneDl = [];
  const viaClient = async () => {
    const start = performance.now();
    for (const f of uploaded) {
      const d = await client.downloadFileById(f.fileId);
      for await (const _chunk of d.stream);
    }
    return (performance.now() - start) / 1000;
  };
  const viaRclone = () => {
    const t = performance.now();
    for (const f of uploaded) rclone(['cat', `emu:bench-small/${f.fileName}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    return (performance.now() - t) / 1000;
  };
  // Warm-up (the emulator's GC settles after the uploads), then alternate which goes first.
  await viaClient();
  viaRclone();
  for (let r = 0; r < Math.max(3, RUNS); r++) {
    if (r % 2 === 0) {
      clientRuns.push(await viaClient());
      rcloneDl.push(viaRclone());
    } else {
      rcloneDl.push(viaRclone());
      clientRuns.push(await viaClient());
    }
  }
  const mb = (FILES * SIZE) / 1e6;
  report.push('', `Downloads of ${FILES} × 16 MiB, sequential, SHA-1 verified:`, '', '| what | median s | MB/s |', '|---|---:|---:|');
  row('B2Client.downloadFileById (stream, SHA-1 check)', median(clientRuns).toFixed(2), (mb / median(clientRuns)).toFixed(0));
  row('baseline: rclone cat (one process per file)', median(rcloneDl).toFixed(2), (mb / median(rcloneDl)).toFixed(0));
}

child.stdin.end();
await new Promise((r) => child.on('exit', r));
rmSync(tmp, { recursive: true, force: true });
process.stdout.write(`${report.join('\n')}\n`);
