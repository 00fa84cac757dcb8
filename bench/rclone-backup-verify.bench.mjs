#!/usr/bin/env node
// rclone-backup --verify: memory and time of the part that scales with the tree — reading
// the source listing, joining it with the verification ledger, choosing the sample, writing
// the new ledger and computing coverage — on a generated 1,000,000-file listing and a
// ledger of as many entries, as the nightly runner calls it (`data=<1G`, `age=1d`, --rotate).
//
// What is measured, honestly: the listing is generated `rclone lsjson` lines parsed with
// the tool's own parser (no rclone process: listing 1M real files would measure rclone
// and the disk), and no rclone check runs (the chosen files are recorded as verified).
// rclone's own check reports are streamed line by line by the tool and are not held.
//   new: the shipped code (dist/): LedgerJoin (the file list in columns, FileTable) + SampleSelector (bounded heap);
//   old: the code path before it, reproduced below: the ledger in a Map, `candidates` and
//        `everything` arrays, a full sort for the sample, a Set of every path.
// Each variant runs as its own process under GNU time -v (peak RSS, wall).
// Smaller smoke run: RB_VERIFY_FILES=100000 pnpm bench rclone-backup-verify
// One variant alone (e.g. for an external timer): node bench/rclone-backup-verify.bench.mjs --child new|old
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../packages/core/dist/random/seeded-random.js';

const here = dirname(fileURLToPath(import.meta.url));
const FILES = Number(process.env.RB_VERIFY_FILES ?? 1_000_000);
const RUNS = Number(process.env.RB_VERIFY_RUNS ?? 3);
const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const work = join(here, '.work');
const ledgerFile = join(work, `verify-ledger-${FILES}.jsonl`);


/** File i of the generated backup: deterministic path, size and mtime (1% changed within the last day). */
function fileAt(i, random) {
  const path = `photos/${2000 + (i % 25)}/album-${Math.floor(i / 100) % 5000}/IMG_${String(i).padStart(7, '0')}.jpg`;
  const size = Math.floor(random() ** 3 * 20_000_000) + 1;
  const mtimeMs = i % 100 === 0 ? NOW - Math.floor(random() * DAY) : NOW - 30 * DAY - Math.floor(random() * 1000 * DAY);
  return { path, size, mtimeMs };
}

/** `rclone lsjson -R` lines for the generated backup. */
function* lsjsonLines() {
  const random = seededRandom(7);
  yield '[';
  for (let i = 0; i < FILES; i++) {
    const f = fileAt(i, random);
    yield `{"Path":${JSON.stringify(f.path)},"Name":"x","Size":${f.size},"ModTime":"${new Date(f.mtimeMs).toISOString()}","IsDir":false},`;
  }
  yield ']';
}

/** The generated listing through the tool's own lsjson parser, counted into `total`. */
function* listedFiles(parseLsjsonLine, total) {
  for (const line of lsjsonLines()) {
    const file = parseLsjsonLine(line);
    if (!file) continue;
    total.files += 1;
    total.bytes += file.size;
    yield file;
  }
}

async function generateLedger() {
  mkdirSync(work, { recursive: true });
  if (existsSync(ledgerFile) && statSync(ledgerFile).size > 0) return;
  const out = createWriteStream(ledgerFile);
  const random = seededRandom(7);
  const picks = seededRandom(99);
  let text = '';
  for (let i = 0; i < FILES; i++) {
    const f = fileAt(i, random);
    // 90% of the files were verified at some time in the last 60 days; a few gone files linger.
    if (picks() < 0.9) text += `${JSON.stringify({ path: f.path, size: f.size, verified: NOW - Math.floor(picks() * 60 * DAY) })}\n`;
    if (i % 20 === 0) text += `${JSON.stringify({ path: `gone/${i}.jpg`, size: 5, verified: NOW - DAY })}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

async function childNew(ledger) {
  const { LedgerJoin } = await import('../packages/rclone-backup/dist/ledger.js');
  const { SampleSelector } = await import('../packages/rclone-backup/dist/sample.js');
  const { parseLsjsonLine } = await import('../packages/rclone-backup/dist/listing.js');
  const { parseVerifyConditions } = await import('../packages/rclone-backup/dist/verify-conditions.js');
  const conditions = parseVerifyConditions(['data=<1G', 'age=1d']);
  const spoolDir = mkdtempSync(join(tmpdir(), 'rb-verify-bench-'));
  try {
    const join_ = await LedgerJoin.open(ledger);
    const total = { files: 0, bytes: 0 };
    for (const file of listedFiles(parseLsjsonLine, total)) join_.addSource(file);
    await join_.load();
    const selector = new SampleSelector(conditions, total, seededRandom(1));
    for (const { file, verifiedMs } of join_.joined()) {
      const young = file.mtimeMs >= NOW - conditions.age.ms;
      selector.offer({ ...file, tier: young ? 0 : 1, ...(verifiedMs !== undefined ? { verifiedMs } : {}) });
    }
    const sample = selector.result();
    for (const c of sample) join_.addVerified(c.path);
    const coverage = await join_.write(NOW, 30 * DAY);
    return { files: total.files, selected: sample.length, selectedBytes: sample.reduce((s, c) => s + c.size, 0), coverage };
  } finally {
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

async function childOld(ledger) {
  const { parseLsjsonLine } = await import('../packages/rclone-backup/dist/listing.js');
  const { parseVerifyConditions } = await import('../packages/rclone-backup/dist/verify-conditions.js');
  const { readLines, writeFileAtomically } = await import('../packages/core/dist/index.js');
  const conditions = parseVerifyConditions(['data=<1G', 'age=1d']);
  // readLedger as it was: every entry in one Map.
  const map = new Map();
  for await (const line of readLines(createReadStream(ledger))) {
    if (!line.trim()) continue;
    try {
      const item = JSON.parse(line);
      if (typeof item.path === 'string' && typeof item.verified === 'number') map.set(item.path, { size: item.size, verified: item.verified });
    } catch {}
  }
  // runVerify as it was: `candidates` and `everything` arrays.
  const candidates = [];
  const everything = [];
  const total = { files: 0, bytes: 0 };
  for (const file of listedFiles(parseLsjsonLine, total)) {
    const entry = map.get(file.path);
    const verifiedMs = entry && entry.verified >= file.mtimeMs && entry.size === file.size ? entry.verified : undefined;
    const young = file.mtimeMs >= NOW - conditions.age.ms;
    const candidate = { ...file, verifiedMs, tier: young ? 0 : 1 };
    everything.push(candidate);
    candidates.push(candidate);
  }
  // selectSample as it was: key every candidate, sort them all.
  const random = seededRandom(1);
  const keyed = candidates.map((c) => ({ c, key: Math.log(Math.max(random(), Number.MIN_VALUE)) / Math.max(c.size, 1) ** 2 }));
  keyed.sort((a, b) => a.c.tier - b.c.tier || (a.c.verifiedMs ?? -Infinity) - (b.c.verifiedMs ?? -Infinity) || b.key - a.key);
  const budget = conditions.data.amount;
  const sample = [];
  let bytes = 0;
  for (const { c } of keyed) {
    if (bytes + c.size > budget) continue;
    sample.push(c);
    bytes += c.size;
  }
  for (const c of sample) map.set(c.path, { size: c.size, verified: NOW });
  const present = new Set(everything.map((c) => c.path));
  for (const path of [...map.keys()]) if (!present.has(path)) map.delete(path);
  function* lines() {
    for (const [path, entry] of map) yield `${JSON.stringify({ path, size: entry.size, verified: entry.verified })}\n`;
  }
  await writeFileAtomically(ledger, lines(), { tempPath: `${ledger}.tmp-${process.pid}` });
  let covered = 0;
  let coveredBytes = 0;
  for (const c of everything) {
    const entry = map.get(c.path);
    if (entry && entry.verified >= c.mtimeMs && entry.verified >= NOW - 30 * DAY) {
      covered += 1;
      coveredBytes += c.size;
    }
  }
  const coverage = { filesPercent: Math.floor((1000 * covered) / total.files) / 10, bytesPercent: Math.floor((1000 * coveredBytes) / total.bytes) / 10 };
  return { files: total.files, selected: sample.length, selectedBytes: bytes, coverage };
}

async function child(variant) {
  // Each run starts from the same ledger: work on a copy.
  const copyDir = mkdtempSync(join(tmpdir(), 'rb-verify-ledger-'));
  const ledger = join(copyDir, 'ledger.jsonl');
  copyFileSync(ledgerFile, ledger);
  try {
    const result = variant === 'old' ? await childOld(ledger) : await childNew(ledger);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(copyDir, { recursive: true, force: true });
  }
}

function timed(args) {
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const err = result.stderr.toString();
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status}): ${err.slice(-800)}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  return { seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssMiB: Number(rss[1]) / 1024, out: JSON.parse(result.stdout.toString()) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.argv[2] === '--child') {
  await generateLedger();
  await child(process.argv[3]);
} else {
  await generateLedger();
  const self = fileURLToPath(import.meta.url);
  const rows = [];
  for (const variant of ['new', 'old']) {
    const runs = Array.from({ length: RUNS }, () => timed([self, '--child', variant]));
    rows.push({ variant, seconds: median(runs.map((r) => r.seconds)), rssMiB: median(runs.map((r) => r.rssMiB)), out: runs[0].out });
  }
  const load = (await import('node:os')).loadavg()[0];
  const lines = [
    `### rclone-backup --verify, listing + ledger + sample (${new Date().toISOString().slice(0, 10)}, ${FILES} files, ledger ${(statSync(ledgerFile).size / 2 ** 20).toFixed(0)} MiB, ${RUNS} runs, medians; load average ${load.toFixed(1)})`,
    '',
    '| code path | peak RSS | wall | files | sample (data=<1G) | coverage (files / bytes, 30d) |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.variant === 'new' ? 'streaming (LedgerJoin + SampleSelector)' : 'before (Map + arrays + sort)'} | ${r.rssMiB.toFixed(0)} MiB | ${r.seconds.toFixed(2)} s | ${r.out.files} | ${r.out.selected} files, ${(r.out.selectedBytes / 2 ** 20).toFixed(0)} MiB | ${r.out.coverage.filesPercent}% / ${r.out.coverage.bytesPercent}% |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
