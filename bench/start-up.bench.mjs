#!/usr/bin/env node
// Start-up of every bin (issue 14, target 3): `BIN --help`, and a tiny input where a tool
// takes one without a server, each next to `node -e 0` in the same run — farm-bench runs
// them in turn (A B A B …) and reports the median of the pair-by-pair ratios, wall and CPU.
// Target: ≤ 1.5× `node -e 0`. Runs: SU_BENCH_RUNS (default 15); SU_BENCH_ONLY=NAME,… measures only those bins.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.SU_BENCH_RUNS ?? 15);
const ONLY = process.env.SU_BENCH_ONLY ? new Set(process.env.SU_BENCH_ONLY.split(',')) : undefined;
const packages = fileURLToPath(new URL('../packages/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'su-bench-'));
const listing = join(work, 'listing.txt');
writeFileSync(listing, '       12 a/b/c.txt\n      100 a/d.txt\n');
const conf = join(work, 'tiny.conf');
writeFileSync(conf, `[default]\nsource = ${work}\ndestination = /nonexistent-dest\n[filters]\n- *.tmp\n`);
const tiny = {
  'tar-ls-du': ['--rclone', listing],
  'rclone-backup': ['--filters', conf],
};

/** farm-bench's median pair-by-pair ratios A/B (wall, cpu) and B's median wall. */
function compare(args) {
  const r = spawnSync('farm-bench', ['-n', String(RUNS), '--vs', `${process.execPath} -e 0`, '--', process.execPath, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`farm-bench failed: ${r.stderr}${r.stdout}`);
  const median = (label) => Number(new RegExp(`^${label}\\s+\\S+\\s+(\\S+)`, 'm').exec(r.stdout)?.[1]);
  return { wall: median('A/B wall'), cpu: median('A/B cpu'), nodeWall: median('B wall s') };
}

const rows = [];
try {
  for (const pkg of readdirSync(packages).sort()) {
    let bins;
    try {
      bins = readdirSync(join(packages, pkg, 'bin')).filter((f) => f.endsWith('.js')).sort();
    } catch {
      continue;
    }
    for (const file of bins) {
      const bin = join(packages, pkg, 'bin', file);
      const name = file.replace(/\.js$/, '');
      if (ONLY && !ONLY.has(name)) continue;
      const cases = [['--help', ['--help']], ...(tiny[name] ? [[tiny[name].join(' ').replace(work, '…'), tiny[name]]] : [])];
      for (const [label, args] of cases) {
        const probe = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
        if (probe.status !== 0) throw new Error(`${name} ${label} exited ${probe.status}: ${probe.stderr}`);
        const c = compare([bin, ...args]);
        rows.push(`| \`${name} ${label}\` | ${(c.nodeWall * 1000).toFixed(0)} ms | ${c.wall.toFixed(2)} | ${c.cpu.toFixed(2)} | ${c.wall <= 1.5 ? 'met' : 'NOT met'} |`);
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(
  [
    `### start-up (${new Date().toISOString().slice(0, 10)}, ${RUNS} pairs each, medians of pair-by-pair ratios; load average ${loadavg()[0].toFixed(1)} at end)`,
    '',
    '| command | `node -e 0` wall (baseline) | wall ratio | CPU ratio | ≤ 1.5× |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
