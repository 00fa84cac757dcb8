#!/usr/bin/env node
// Runs each workspace package's vitest suite in turn (the machines have two cores; the
// suites start real servers and rclone processes) and prints one closing total.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Package directories may be named on the command line (default: every package, then test/).
const named = process.argv.slice(2).map((dir) => resolve(dir));
const packageDirs = (named.length > 0 ? named : [
  ...readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name)),
  join(root, 'test'),
]).filter((dir) => existsSync(join(dir, 'vitest.config.ts')));

// Colour codes only for a terminal: piped or logged output stays plain text.
const env = { ...process.env };
if (!process.stdout.isTTY) {
  env.NO_COLOR = '1';
  env.FORCE_COLOR = '0';
  delete env.CLICOLOR_FORCE;
}

const reports = mkdtempSync(join(tmpdir(), 'vitest-reports-'));
process.on('exit', () => rmSync(reports, { recursive: true, force: true }));
let passed = 0;
let failed = 0;
let skipped = 0;
const failedPackages = [];
for (const dir of packageDirs) {
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  const reportFile = join(reports, `${name.replace(/[^a-z0-9-]/gi, '_')}.json`);
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const run = spawnSync('pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`], {
    cwd: dir,
    env,
    stdio: 'inherit',
  });
  let counted = false;
  const failedBefore = failed;
  if (existsSync(reportFile)) {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    counted = true;
  }
  if (run.status !== 0) {
    failedPackages.push(name);
    // A suite that fails to load has no failed test; count it so the total says so.
    if (!counted || failed === failedBefore) failed += 1;
  }
  process.stdout.write(`=== ${name}: ${run.status === 0 ? 'ok' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)}s ===\n`);
}
if (failedPackages.length) process.stdout.write(`\nfailed packages: ${failedPackages.join(', ')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failedPackages.length ? 1 : 0;
