#!/usr/bin/env node
// tar-ls-du on realistic listings, side by side with the original Perl algorithm
// (bench/baseline/tar-ls-du.pl) in the same run: runs alternate (ours, Perl, ours, ...) and
// the wall ratio is taken pair by pair, so a machine whose speed drifts still gives a fair
// ratio. Each run is the real bin as a subprocess under GNU time -v (wall, peak RSS),
// writing its report to a file; the two reports must be byte-identical.
// Inputs (seeded, cached in bench/.work):
//   - `rclone ls` of 2,000,000 distinct files in 200,000 directories of depth 3-8, one
//     directory's files together as rclone lists them (the issue's target shape);
//   - 500,000 lines of the same kind of listing in random order;
//   - `ls -lR /usr`, GNU `tar tv` of /usr and `rclone lsjson -R /usr` of this machine.
// Each row prints wall and CPU seconds (medians), the ratios to the Perl taken pair by pair,
// peak RSS, whether the outputs are identical, and met/NOT met against issue 14's targets.
// Last, the compiled `rclone ls` loop against the JavaScript parser alone (RCLONE_B2_DU_WASM=0),
// and the report printed by two threads against one (RCLONE_B2_DU_THREADS=0).
// Smaller smoke run: TAR_LS_DU_LINES=200000 TAR_LS_DU_RUNS=1 pnpm bench tar-ls-du
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { seededRandom } from '../packages/core/dist/random/seeded-random.js';

const here = dirname(fileURLToPath(import.meta.url));
const LINES = Number(process.env.TAR_LS_DU_LINES ?? 2_000_000);
const RUNS = Number(process.env.TAR_LS_DU_RUNS ?? 3);
const work = join(here, '.work');
const bin = join(here, '../packages/tar-ls-du/bin/tar-ls-du.js');
const perl = join(here, 'baseline/tar-ls-du.pl');


const WORDS = [
  'Photos',
  'Documents',
  'projects',
  'src',
  'backup',
  'Vacation',
  'archive',
  'node_modules',
  'music',
  'Camera Uploads',
  'invoices',
  'thesis',
  'lib',
  'assets',
  'Family',
  'work',
  'old',
  'scans',
  'videos',
  'Downloads',
];
const EXTS = ['.jpg', '.JPG', '.png', '.pdf', '.docx', '.txt', '.js', '.mp4', '.flac', '.json', '.tar.gz', ''];
const STEMS = ['IMG_', 'DSC', 'report ', 'Scan-', 'index', 'track ', 'notes-', 'VID_', 'invoice_', 'draft (', 'component.', 'data-'];

/**
 * `dirs` directories (each directory of depth 1-8; files only in those of depth 3-8) and
 * `files` distinct files spread over them (skewed: some directories hold many), one
 * directory's files together and sorted by name. Directory and file names carry a unique
 * number so every path is distinct; lengths are like real ones (6-40 bytes a name).
 */
function* listingLines(files, dirs, seed) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const paths = ['']; // 0: the root
  const depth = [0];
  const leaves = [];
  // Each new directory goes under a random earlier one (recent ones preferred, which
  // makes chains deep); a parent at depth 8 cannot have children.
  while (paths.length - 1 < dirs) {
    let parent = random() < 0.6 ? paths.length - 1 - Math.floor(random() * Math.min(paths.length - 1, 50)) : Math.floor(random() * paths.length);
    if (paths.length < 21) parent = 0;
    if (depth[parent] >= 8) continue;
    const id = paths.length;
    const name =
      random() < 0.5
        ? `${pick(WORDS)} ${id}`
        : `${2000 + (id % 25)}-${String(1 + (id % 12)).padStart(2, '0')}-${String(1 + (id % 28)).padStart(2, '0')} ${pick(WORDS).toLowerCase()}${id}`;
    paths.push(parent === 0 ? name : `${paths[parent]}/${name}`);
    depth.push(depth[parent] + 1);
    if (depth[id] >= 3) leaves.push(id);
  }
  // Files per leaf directory: a skewed share, every leaf gets at least... nothing: some stay empty.
  const counts = new Uint32Array(paths.length);
  for (let f = 0; f < files; f += 1) {
    const r = random();
    counts[leaves[Math.floor(r * r * leaves.length)]] += 1;
  }
  let n = 0;
  const order = leaves.slice().sort((a, b) => (paths[a] < paths[b] ? -1 : 1));
  for (const d of order) {
    const names = [];
    for (let i = 0; i < counts[d]; i += 1) {
      n += 1;
      names.push(`${pick(STEMS)}${n}${random() < 0.2 ? ` ${pick(WORDS)}` : ''}${pick(EXTS)}`);
    }
    names.sort();
    for (const name of names) {
      const size = Math.floor(Math.exp(random() * 20) - 1);
      yield `${String(size).padStart(9)} ${paths[d]}/${name}\n`;
    }
  }
}

async function writeLines(file, lines) {
  const out = createWriteStream(`${file}.part`);
  let text = '';
  for (const line of lines) {
    text += line;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
  renameSync(`${file}.part`, file);
}

function shuffled(lines, seed) {
  const random = seededRandom(seed);
  const all = [...lines];
  for (let i = all.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all;
}

/** A command's standard output saved once as an input file (this machine's /usr). */
function snapshot(file, command, args, env = {}) {
  if (existsSync(file)) return;
  const fd = openSync(`${file}.part`, 'w');
  spawnSync(command, args, { stdio: ['ignore', fd, 'ignore'], env: { ...process.env, ...env } });
  closeSync(fd);
  renameSync(`${file}.part`, file);
}

mkdirSync(work, { recursive: true });
const inputs = [];
const unique = join(work, `rclone-ls-unique-${LINES}.txt`);
if (!existsSync(unique)) await writeLines(unique, listingLines(LINES, LINES / 10, 14));
inputs.push({
  name: `rclone ls, ${(LINES / 1e6).toFixed(1)}M distinct files in ${(LINES / 10 / 1000).toFixed(0)}k dirs of depth 3-8`,
  file: unique,
  flag: '--rclone',
});
const randomLines = Math.round(LINES / 4);
const random = join(work, `rclone-ls-random-${randomLines}.txt`);
if (!existsSync(random)) await writeLines(random, shuffled(listingLines(randomLines, randomLines / 10, 15), 16));
inputs.push({ name: `rclone ls, ${(randomLines / 1000).toFixed(0)}k lines in random order`, file: random, flag: '--rclone' });
const lsR = join(work, 'ls-lR-usr.txt');
snapshot(lsR, 'ls', ['-lR', '/usr'], { LC_ALL: 'C' });
inputs.push({ name: '`LC_ALL=C ls -lR /usr`', file: lsR, flag: '--ls' });
const tarTv = join(work, 'tar-tv-usr.txt');
snapshot(tarTv, 'tar', ['-cvvf', '/dev/null', '/usr'], { LC_ALL: 'C.UTF-8' });
inputs.push({ name: 'GNU `tar tv` of /usr', file: tarTv, flag: '--tar' });
const lsjson = join(work, 'lsjson-usr.txt');
snapshot(lsjson, 'rclone', ['lsjson', '-R', '--no-mimetype', '/usr']);
inputs.push({ name: '`rclone lsjson -R /usr`', file: lsjson, flag: '--lsjson' });

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs a command under GNU time -v, stdout to `out`; returns wall seconds, CPU seconds, peak RSS MiB. */
function timed(command, args, out, env = {}) {
  const fd = openSync(out, 'w');
  const result = spawnSync('/usr/bin/time', ['-v', command, ...args], { stdio: ['ignore', fd, 'pipe'], maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  closeSync(fd);
  const err = result.stderr.toString();
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${err.slice(-500)}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(err)[1]) + Number(/System time \(seconds\): ([\d.]+)/.exec(err)[1]);
  return { seconds, cpu, rssMiB: Number(rss[1]) / 1024 };
}

const lineCount = (file) => Number(spawnSync('wc', ['-l', file]).stdout.toString().trim().split(' ')[0]);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const load = os.loadavg();
console.log(
  `tar-ls-du vs the original Perl algorithm, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node}`,
);
console.log(`medians of ${RUNS} alternating runs; load average at start: ${load.map((l) => l.toFixed(1)).join(' ')}\n`);
console.log('| input | lines | tar-ls-du wall s | lines/s | lines per CPU-s | CPU s ours / Perl | Perl wall s | wall ratio (median of pairs) | CPU ratio | peak RSS MiB (ours / Perl) | output | target |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
const verdicts = [];
for (const input of inputs) {
  const lines = lineCount(input.file);
  const oursOut = join(work, 'out-ours.txt');
  const perlOut = join(work, 'out-perl.txt');
  const ours = [];
  const base = [];
  for (let i = 0; i < RUNS; i += 1) {
    ours.push(timed(process.execPath, [bin, input.flag, input.file], oursOut));
    base.push(timed('perl', [perl, input.flag, input.file], perlOut));
  }
  const same = spawnSync('cmp', ['-s', oursOut, perlOut]).status === 0;
  const wall = median(ours.map((r) => r.seconds));
  const cpu = median(ours.map((r) => r.cpu));
  const perlCpu = median(base.map((r) => r.cpu));
  const ratio = median(ours.map((r, i) => r.seconds / base[i].seconds));
  const cpuRatio = median(ours.map((r, i) => r.cpu / base[i].cpu));
  const rss = median(ours.map((r) => r.rssMiB));
  const perlRss = median(base.map((r) => r.rssMiB));
  // The issue's targets: ≤ 0.10× the Perl's wall time everywhere, output identical; on the
  // 2M shape also ≥ 1,000,000 lines/s and peak RSS ≤ the Perl's.
  const met = ratio <= 0.1 && same && (input.file !== unique || (lines / wall >= 1e6 && rss <= perlRss));
  console.log(
    `| ${input.name} | ${fmt(lines)} | ${wall.toFixed(2)} | ${fmt(lines / wall)} | ${fmt(lines / cpu)} | ${cpu.toFixed(2)} / ${perlCpu.toFixed(2)} | ${median(base.map((r) => r.seconds)).toFixed(2)} | ${ratio.toFixed(3)}× | ${cpuRatio.toFixed(3)}× | ${rss.toFixed(0)} / ${perlRss.toFixed(0)} | ${same ? 'identical' : 'DIFFERENT'} | ${met ? 'met' : 'NOT met'} |`,
  );
  verdicts.push({ name: input.name, unique: input.file === unique, lines, rate: lines / wall, cpu, ratio, rss, perlRss, same });
}
const v = verdicts.find((x) => x.unique);
console.log(
  `\ntargets on the distinct-path shape (${v.name}): ≥ 1,000,000 lines/s: ${v.rate >= 1e6 ? 'met' : 'NOT met'} (${fmt(v.rate)}; ${v.cpu.toFixed(2)} CPU-s, ≤ ~1.8 wanted); ≤ 0.10× Perl wall: ${v.ratio <= 0.1 ? 'met' : 'NOT met'} (${v.ratio.toFixed(3)}×); RSS ≤ Perl: ${v.rss <= v.perlRss ? 'met' : 'NOT met'}; output identical: ${v.same ? 'yes' : 'NO'}`,
);
/** Our build as is against the same build with `env`, alternating runs on the distinct-path shape. */
function alternated(env, otherOut) {
  const ours = [];
  const other = [];
  const oursOut = join(work, 'out-ours.txt');
  for (let i = 0; i < RUNS; i += 1) {
    ours.push(timed(process.execPath, [bin, '--rclone', unique], oursOut));
    other.push(timed(process.execPath, [bin, '--rclone', unique], join(work, otherOut), env));
  }
  const med = (runs, key) => median(runs.map((r) => r[key]));
  return {
    ours: { cpu: med(ours, 'cpu'), seconds: med(ours, 'seconds'), rssMiB: med(ours, 'rssMiB') },
    other: { cpu: med(other, 'cpu'), seconds: med(other, 'seconds'), rssMiB: med(other, 'rssMiB') },
    cpuRatio: median(ours.map((r, i) => r.cpu / other[i].cpu)),
    wallRatio: median(ours.map((r, i) => r.seconds / other[i].seconds)),
    same: spawnSync('cmp', ['-s', oursOut, join(work, otherOut)]).status === 0,
  };
}
// The compiled rclone ls loop (core's du/rclone-ls-scan.wat) against the JavaScript parser
// alone (RCLONE_B2_DU_WASM=0): what the WebAssembly step gives.
{
  const { ours, other, cpuRatio, same } = alternated({ RCLONE_B2_DU_WASM: '0' }, 'out-js.txt');
  console.log(
    `compiled rclone ls loop vs JavaScript only (RCLONE_B2_DU_WASM=0), same file: CPU ${ours.cpu.toFixed(2)} vs ${other.cpu.toFixed(2)} s (${cpuRatio.toFixed(3)}×), wall ${ours.seconds.toFixed(2)} vs ${other.seconds.toFixed(2)} s, output ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
// The report printed by two threads (core's du/printers/text-parallel.ts) against one
// (RCLONE_B2_DU_THREADS=0): what the second core gives.
{
  const { ours, other, wallRatio, same } = alternated({ RCLONE_B2_DU_THREADS: '0' }, 'out-one-thread.txt');
  console.log(
    `report by two threads vs one (RCLONE_B2_DU_THREADS=0), same file: wall ${ours.seconds.toFixed(2)} vs ${other.seconds.toFixed(2)} s (${wallRatio.toFixed(3)}×; ${fmt(v.lines / ours.seconds)} vs ${fmt(v.lines / other.seconds)} lines/s), CPU ${ours.cpu.toFixed(2)} vs ${other.cpu.toFixed(2)} s, peak ${ours.rssMiB.toFixed(0)} vs ${other.rssMiB.toFixed(0)} MiB, output ${same ? 'identical' : 'DIFFERENT'}`,
  );
}
for (const x of verdicts.filter((y) => !y.unique)) {
  console.log(`${x.name}: ≤ 0.10× Perl wall: ${x.ratio <= 0.1 ? 'met' : 'NOT met'} (${x.ratio.toFixed(3)}×); output ${x.same ? 'identical' : 'DIFFERENT'}`);
}
console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
