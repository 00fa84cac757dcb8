#!/usr/bin/env node
// mysql-dump-splitter benchmark (issue 14, target 6): the built tool as a subprocess on a
// realistic generated mysqldump (300 tables, five row shapes, see mysql-dump-splitter-data.mjs)
// of BENCH_SIZE_MB (default 1024) in both INSERT styles, from the page cache.
//   - unchanged re-run (the nightly case: read everything, write nothing): MB/s, CPU seconds,
//     peak RSS, interleaved with `cat FILE > /dev/null` and `split -b 30M` into tmpfs, medians;
//     target ≥ 1000 MB/s and ≤ 100 MB RSS;
//   - first run (writes and fsyncs every piece) against `cat FILE > OUT` + `sync OUT` on the
//     same disk, and `split -b 30M` + `sync`, interleaved: the ratio of wall times;
//   - --regroup on the extended dump, first run and re-run (no target, for the record);
//   - pieces and bytes rewritten after a one-row change / one inserted row in the middle of the
//     biggest table (target: at most 2 pieces; extended dumps without --regroup may shift).
// BENCH_SIZE_MB shrinks it (e.g. 100 for a smoke run); BENCH_RUNS sets the pairs (default 3).
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { generate } from './mysql-dump-splitter-data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const work = join(here, '.work', 'mysql-dump-splitter');
const tmpfs = existsSync('/dev/shm') ? join('/dev/shm', `mds-bench-${process.pid}`) : join(work, 'split-tmp');
const bin = join(here, '..', 'packages', 'mysql-dump-splitter', 'bin', 'mysql-dump-splitter.js');
const sizeMB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const MB = 1e6;
mkdirSync(work, { recursive: true });

// ---------- inputs ----------
const t0 = Date.now();
const files = {};
for (const style of ['skip', 'ext']) {
  files[style] = join(work, `${style}-${sizeMB}.sql`);
  generate(files[style], sizeMB, style);
}

/** Byte offsets of the `-- Dumping data for table \`t000\`` section and the next table's header. */
function biggestTable(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(16 << 20);
  let base = 0;
  let start = -1;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, base);
      if (n === 0) throw new Error('t000 not found');
      const view = buf.subarray(0, n);
      if (start < 0) {
        const at = view.indexOf('-- Dumping data for table `t000`');
        if (at >= 0) start = base + at;
      }
      const end = view.indexOf('-- Table structure for table `t001`');
      if (start >= 0 && end >= 0) return [start, base + end];
      base += n - 64;
    }
  } finally {
    closeSync(fd);
  }
}

/** A copy of file with one row in the middle of t000 changed (made longer) or a row inserted before it. */
function edited(file, mode) {
  const out = `${file.replace(/\.sql$/, '')}-${mode}.sql`;
  if (existsSync(out)) return out;
  const [start, end] = biggestTable(file);
  const fd = openSync(file, 'r');
  const around = Buffer.allocUnsafe(1 << 20);
  const mid = Math.floor((start + end) / 2);
  readSync(fd, around, 0, around.length, mid);
  // a row line ending in ',' or ';' (extended: ',' so that an inserted copy keeps the statement valid)
  let lineStart = around.indexOf(10) + 1;
  for (;;) {
    const nl = around.indexOf(10, lineStart);
    if (around[nl - 1] === 0x2c || (around[lineStart] === 0x49 && around[nl - 1] === 0x3b)) break;
    lineStart = nl + 1;
  }
  const lineEnd = around.indexOf(10, lineStart) + 1;
  const line = around.toString('utf8', lineStart, lineEnd);
  const replacement =
    mode === 'change' ? line.replace(/\((\d+),/, "($1,'this row was changed, and is now longer',") : `${line.replace(/\((\d+),/, '(9000000001,')}${line}`;
  const at = mid + lineStart;
  const outFd = openSync(`${out}.part`, 'w');
  const copy = (from, to) => {
    const buf = Buffer.allocUnsafe(8 << 20);
    for (let pos = from; pos < to;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
      writeSync(outFd, buf, 0, n);
      pos += n;
    }
  };
  copy(0, at);
  writeSync(outFd, Buffer.from(replacement));
  copy(mid + lineEnd, statSync(file).size);
  closeSync(outFd);
  closeSync(fd);
  spawnSync('mv', [`${out}.part`, out]);
  return out;
}
for (const style of ['skip', 'ext']) for (const mode of ['change', 'insert']) files[`${style}-${mode}`] = edited(files[style], mode);
const inputMB = statSync(files.skip).size / MB;
process.stderr.write(
  `inputs ready (${inputMB.toFixed(0)} MB skip, ${(statSync(files.ext).size / MB).toFixed(0)} MB extended) in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
);

// ---------- measurement ----------
/** One process: wall seconds, CPU seconds (user+sys) and peak RSS from GNU time. */
function timed(cmd, args, stdoutFile) {
  const out = stdoutFile ? openSync(stdoutFile, 'w') : 'ignore';
  const start = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (typeof out === 'number') closeSync(out);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${result.stderr}`);
  const [rssKB, user, sys] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: user + sys, rssMB: (rssKB * 1024) / MB };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tool = (args) => timed(process.execPath, [bin, '-q', ...args]);
/** The tool's runs and the baseline's, interleaved A B A B; medians and the median pair ratio. */
function pairs(n, a, b) {
  const as = [];
  const bs = [];
  for (let i = 0; i < n; i += 1) {
    as.push(a(i));
    bs.push(b(i));
  }
  const pick = (xs, key) => median(xs.map((x) => x[key]));
  return {
    a: { wall: pick(as, 'wall'), cpu: pick(as, 'cpu'), rssMB: Math.max(...as.map((x) => x.rssMB)) },
    b: { wall: pick(bs, 'wall'), cpu: pick(bs, 'cpu') },
    ratio: median(as.map((x, i) => x.wall / bs[i].wall)),
  };
}
const catNull = (file) => () => timed('cat', [file]);
const splitTmpfs = (file) => () => {
  rmSync(tmpfs, { recursive: true, force: true });
  mkdirSync(tmpfs, { recursive: true });
  const r = timed('split', ['-b', '30M', file, join(tmpfs, 'x')]);
  rmSync(tmpfs, { recursive: true, force: true });
  return r;
};
const catSync = (file) => () => {
  const out = join(work, 'cat-copy');
  rmSync(out, { force: true });
  const a = timed('cat', [file], out);
  const b = timed('sync', [out]);
  rmSync(out, { force: true });
  return { wall: a.wall + b.wall, cpu: a.cpu + b.cpu, rssMB: a.rssMB };
};

const rows = [];
const verdicts = [];
const mbps = (mb, s) => (mb / s).toFixed(0);
for (const [style, label] of [
  ['skip', '--skip-extended-insert'],
  ['ext', 'extended'],
]) {
  const file = files[style];
  const mb = statSync(file).size / MB;
  const dir = join(work, `out-${style}`);
  timed('cat', [file]); // into the page cache
  const first = pairs(runs, () => (rmSync(dir, { recursive: true, force: true }), tool(['--out', dir, file])), catSync(file));
  rows.push([mb, `${label}: first run (writes + fsyncs every piece)`, first.a, 'cat FILE > OUT && sync OUT', first.b, first.ratio]);
  const rerun = pairs(runs, () => tool(['--out', dir, file]), catNull(file));
  rows.push([mb, `${label}: unchanged re-run`, rerun.a, 'cat FILE > /dev/null', rerun.b, rerun.ratio]);
  const vsSplit = pairs(runs, () => tool(['--out', dir, file]), splitTmpfs(file));
  rows.push([mb, `${label}: unchanged re-run`, vsSplit.a, 'split -b 30M into tmpfs', vsSplit.b, vsSplit.ratio]);
  const wallRate = mb / rerun.a.wall;
  verdicts.push(
    `${label} unchanged re-run: ${wallRate.toFixed(0)} MB/s wall (${mbps(mb, rerun.a.cpu)} MB/s per CPU second), peak ${rerun.a.rssMB.toFixed(0)} MB: ` +
      `${wallRate >= 1000 && rerun.a.rssMB <= 100 ? 'met' : 'NOT met'} (target ≥ 1000 MB/s, ≤ 100 MB)`,
  );
  verdicts.push(
    `${label} first run: ${first.ratio.toFixed(2)}× the time of cat + sync (${mbps(mb, first.a.wall)} vs ${mbps(mb, first.b.wall)} MB/s), peak ${first.a.rssMB.toFixed(0)} MB`,
  );
}
{
  const file = files.ext;
  const mb = statSync(file).size / MB;
  const dir = join(work, 'out-regroup');
  const first = pairs(1, () => (rmSync(dir, { recursive: true, force: true }), tool(['--regroup', '--out', dir, file])), catSync(file));
  rows.push([mb, 'extended --regroup: first run', first.a, 'cat FILE > OUT && sync OUT', first.b, first.ratio]);
  const rerun = pairs(runs, () => tool(['--regroup', '--out', dir, file]), catNull(file));
  rows.push([mb, 'extended --regroup: unchanged re-run', rerun.a, 'cat FILE > /dev/null', rerun.b, rerun.ratio]);
  verdicts.push(
    `extended --regroup unchanged re-run: ${mbps(mb, rerun.a.wall)} MB/s wall (${mbps(mb, rerun.a.cpu)} MB/s per CPU second), peak ${rerun.a.rssMB.toFixed(0)} MB (no target)`,
  );
}

// ---------- one-row edits ----------
function snapshot(dir) {
  const map = new Map();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.sql')) continue;
    const st = statSync(join(dir, name));
    map.set(name, { sig: `${st.ino}:${st.mtimeMs}`, size: st.size });
  }
  return map;
}
const changes = [];
for (const mode of ['change', 'insert']) {
  for (const [input, method, style, args] of [
    ['--skip-extended-insert', 'plain', 'skip', []],
    ['extended', 'plain (no --regroup)', 'ext', []],
    ['extended', '--regroup', 'ext', ['--regroup']],
  ]) {
    const dir = join(work, `out-${args.length ? 'regroup' : style}`);
    tool(['--out', dir, ...args, files[style]]); // start from the unchanged dump
    const before = snapshot(dir);
    tool(['--out', dir, ...args, files[`${style}-${mode}`]]);
    let pieces = 0;
    let bytes = 0;
    for (const [name, { sig, size }] of snapshot(dir)) {
      if (before.get(name)?.sig !== sig) {
        pieces += 1;
        bytes += size;
      }
    }
    const target = style === 'skip' || args.length ? (pieces <= 2 ? 'met' : 'NOT met') : '(no guarantee)';
    changes.push(`| ${mode} | ${input} | ${method} | ${pieces} | ${(bytes / MB).toFixed(1)} MB | ${target} |`);
  }
}

// ---------- report ----------
const fmt = (r) => `${r.wall.toFixed(2)} s, ${r.cpu.toFixed(2)} CPU s`;
const out = [];
out.push(
  `mysql-dump-splitter, ${new Date().toISOString().slice(0, 16)}Z, ${inputMB.toFixed(0)} MB per dump (300 tables), --piece-size 4M, Node ${process.versions.node}, ` +
    `${runs} interleaved pairs (medians), load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (2 cores)`,
);
out.push('');
out.push('| run | tool | MB/s | peak RSS MB | baseline | baseline figure | tool / baseline (wall) |');
out.push('|---|---|---:|---:|---|---|---:|');
for (const [mb, label, a, blabel, b, ratio] of rows) {
  out.push(`| ${label} | ${fmt(a)} | ${mbps(mb, a.wall)} | ${a.rssMB.toFixed(0)} | ${blabel} | ${fmt(b)}, ${mbps(mb, b.wall)} MB/s | ${ratio.toFixed(2)}× |`);
}
out.push('');
for (const v of verdicts) out.push(`- ${v}`);
out.push('');
out.push('One row in the middle of the biggest table made longer ("change") or one row inserted before it ("insert"):');
out.push('');
out.push('| edit | input | mode | pieces rewritten | bytes rewritten | ≤ 2 pieces |');
out.push('|---|---|---|---:|---:|---|');
out.push(...changes);
process.stdout.write(`${out.join('\n')}\n`);
process.stderr.write(`total ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
