#!/usr/bin/env node
// unchanged-package-files on this machine's whole dpkg database: files/s of a cold run (no
// state: every file hashed), of warm runs (state file: one lstat per file, hashing only what
// changed), and the baseline `dpkg --verify`, which does the cold run's job (hash every file
// a package records an MD5 for) in C. Medians of UPF_RUNS warm runs (default 3); the cold run
// and the baseline run once each (each reads every package file: minutes on a busy machine).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '../packages/unchanged-package-files/bin/unchanged-package-files.js');
const RUNS = Number(process.env.UPF_RUNS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'upf-bench-'));
const state = join(work, 'state');

function timed(command, args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, result };
}

function run(extra) {
  const { seconds, result } = timed(process.execPath, [bin, '--json', '-o', join(work, 'list'), ...extra]);
  if (result.status !== 0) throw new Error(`unchanged-package-files failed: ${result.stderr}`);
  return { seconds, summary: JSON.parse(result.stdout) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const cold = run(['--state', state]);
const warm = Array.from({ length: RUNS }, () => run(['--state', state]));
const verify = timed('dpkg', ['--verify']); // exit 1 when it finds changed files: still a full run
const files = cold.summary.files;
const warmSeconds = median(warm.map((r) => r.seconds));
const rows = [
  ['unchanged-package-files, cold (no state, every file hashed)', cold.seconds, cold.summary.hashed],
  [`unchanged-package-files, warm (state file), median of ${RUNS}`, warmSeconds, median(warm.map((r) => r.summary.hashed))],
  ['baseline: dpkg --verify', verify.seconds, undefined],
];
console.log(`${files} package files of ${cold.summary.packages} packages; ${cold.summary.unchanged} unchanged\n`);
console.log('| run | wall s | files/s | hashed | vs dpkg --verify |');
console.log('|---|---|---|---|---|');
for (const [name, seconds, hashed] of rows) {
  console.log(`| ${name} | ${seconds.toFixed(2)} | ${Math.round(files / seconds)} | ${hashed ?? 'all'} | ${(verify.seconds / seconds).toFixed(1)}x faster |`);
}
rmSync(work, { recursive: true, force: true });
