#!/usr/bin/env node
// tar-ls-du on a generated `rclone ls` listing (default 2,000,000 lines in ~100,000
// directories): lines/s and peak RSS of the real bin as a subprocess (GNU time -v), the
// same logic in-process, and a baseline doing the same job with awk + sort in one pipeline.
// Smaller smoke run: TAR_LS_DU_LINES=200000 pnpm bench tar-ls-du
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const LINES = Number(process.env.TAR_LS_DU_LINES ?? 2_000_000);
const RUNS = Number(process.env.TAR_LS_DU_RUNS ?? 3);
const PER_DIR = 20;
const work = join(here, '.work');
const listing = join(work, `rclone-ls-v3-${LINES}.txt`);
const bin = join(here, '../packages/tar-ls-du/bin/tar-ls-du.js');
const core = await import('../packages/core/dist/index.js');

/** Deterministic: same listing every run. Directories data/dA/sB/leaf-C, 20 files each, sorted as rclone sorts. */
async function generate() {
  mkdirSync(work, { recursive: true });
  if (existsSync(listing) && statSync(listing).size > 0) return;
  const out = createWriteStream(listing);
  let seed = 12345; // mulberry32
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const names = ['IMG_', 'report ', 'ünïcode-', 'backup.', '-dash '];
  let text = '';
  // rclone lists each directory's files sorted by name; so does this listing.
  for (let first = 0; first < LINES; first += PER_DIR) {
    const dir = first / PER_DIR;
    const prefix = `data/d${dir % 10}/s${Math.floor(dir / 10) % 100}/leaf-${Math.floor(dir / 1000)}/`;
    const files = [];
    for (let line = first; line < Math.min(LINES, first + PER_DIR); line += 1) files.push(`${names[line % 5]}${line}.dat`);
    files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const file of files) {
      const size = Math.floor(random() ** 3 * 50_000_000);
      text += `${String(size).padStart(9)} ${prefix}${file}\n`;
    }
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs a command under GNU time -v; returns wall seconds and max RSS in MiB. */
function timed(command, args) {
  const result = spawnSync('/usr/bin/time', ['-v', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const err = result.stderr.toString();
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${err.slice(-500)}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(err)[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(err)[1]);
  return { seconds, cpu, rssMiB: Number(rss[1]) / 1024 };
}

function runMany(command, args) {
  const runs = Array.from({ length: RUNS }, () => timed(command, args));
  return { seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpu)), rssMiB: median(runs.map((r) => r.rssMiB)) };
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function inProcess(options) {
  const cpuStart = cpuNow();
  const start = process.hrtime.bigint();
  const tree = new core.DuTree();
  await core.readListing(createReadStream(listing, { highWaterMark: 1 << 20 }), tree, { format: 'rclone-ls' });
  const parsed = process.hrtime.bigint();
  const cpuParsed = cpuNow();
  const sink = new Writable({ write(_chunk, _enc, done) { done(); } });
  await core.writeDuReport(tree, sink, options);
  const end = process.hrtime.bigint();
  const cpuEnd = cpuNow();
  return { parse: Number(parsed - start) / 1e9, total: Number(end - start) / 1e9, parseCpu: cpuParsed - cpuStart, cpu: cpuEnd - cpuStart, paths: tree.count };
}

const load = os.loadavg();
await generate();
const mb = statSync(listing).size / 2 ** 20;
const awkProgram = String.raw`{ s = $1; p = $0; sub(/^ *-?[0-9]+ /, "", p); t[p] += s; while (match(p, /\/[^\/]*$/)) { p = substr(p, 1, RSTART - 1); t[p] += s } } END { for (k in t) print t[k] "\t" k }`;
const baselineScript = `LC_ALL=C awk '${awkProgram}' "$1" | LC_ALL=C sort -t '\t' -k1,1nr -k2,2 > /dev/null`;

const full = runMany(process.execPath, [bin, '--rclone', listing]);
const top = runMany(process.execPath, [bin, '--rclone', '--top', '40', listing]);
// The same listing twice: twice the lines, the same distinct paths: memory should not double.
const twice = runMany(process.execPath, [bin, '--rclone', '--top', '40', listing, listing]);
const baseline = runMany('bash', ['-c', baselineScript, 'bench', listing]);
const inFull = [];
for (let i = 0; i < RUNS; i += 1) inFull.push(await inProcess({}));
const inTop = [];
for (let i = 0; i < RUNS; i += 1) inTop.push(await inProcess({ top: 40 }));
const rate = (seconds, lines = LINES) => Math.round(lines / seconds).toLocaleString('en-US');

const date = new Date().toISOString().slice(0, 10);
console.log(`tar-ls-du, ${date}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}`);
console.log(`listing: ${LINES.toLocaleString('en-US')} rclone ls lines, ${(LINES / PER_DIR).toLocaleString('en-US')} leaf directories, ${mb.toFixed(0)} MiB, ${inFull[0].paths.toLocaleString('en-US')} distinct paths; medians of ${RUNS} runs\n`);
console.log(`load average at start: ${load.map((l) => l.toFixed(1)).join(' ')} (other work on this machine inflates wall times; CPU seconds are steadier)\n`);
console.log('| run | wall s | lines/s (wall) | CPU s | lines per CPU-s | peak RSS MiB | vs baseline (wall) |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
const row = (name, r, lines = LINES) =>
  console.log(
    `| ${name} | ${r.seconds.toFixed(2)} | ${rate(r.seconds, lines)} | ${r.cpu.toFixed(2)} | ${rate(r.cpu, lines)} | ${r.rssMiB ? r.rssMiB.toFixed(0) : '-'} | ${((baseline.seconds / r.seconds) * (lines / LINES)).toFixed(1)}× |`,
  );
row('`tar-ls-du --rclone FILE` (all paths, sorted)', full);
row('`tar-ls-du --rclone --top 40 FILE`', top);
row('`tar-ls-du --rclone --top 40 FILE FILE` (2× lines, same paths)', twice, 2 * LINES);
row('in-process readListing + writeDuReport (all)', { seconds: median(inFull.map((r) => r.total)), cpu: median(inFull.map((r) => r.cpu)) });
row('in-process, parse + aggregate only', { seconds: median(inFull.map((r) => r.parse)), cpu: median(inFull.map((r) => r.parseCpu)) });
row('in-process, --top 40', { seconds: median(inTop.map((r) => r.total)), cpu: median(inTop.map((r) => r.cpu)) });
row('baseline: `awk` per-path sums `| sort -k1,1nr -k2`', baseline);
const verdict = (r) => (LINES / r >= 1_000_000 ? 'met' : 'NOT met');
console.log(`\ntarget ≥ 1,000,000 lines/s, full sorted report as a subprocess: ${verdict(full.seconds)} by wall time, ${verdict(full.cpu)} per CPU-second`);
