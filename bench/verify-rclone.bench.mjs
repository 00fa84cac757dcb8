#!/usr/bin/env node
// rclone-backup --verify with the real rclone: what a sampled verify adds to the rclone runs
// it amounts to, in time and in B2 calls.
//  1. Local disk: a VR_FILES-file tree (default 50,000 in directories of 100) and its copy;
//     `rclone-backup CONF --verify files=VR_SAMPLE --seed 1` (default 5,000) next to the plain
//     rclone runs it amounts to, with the same filters, started the same way: `rclone lsjson
//     -R --files-only --no-mimetype SRC` alongside `rclone check --size-only --fast-list SRC
//     DST`, then `rclone check --download SRC DST --files-from-raw LIST` of as many files (farm-bench
//     --vs, pair-by-pair medians). VR_BASELINE_BIN=PATH also runs another build's
//     rclone-backup bin (an older checkout's) against this one.
//  2. B2 calls: the same sampled verify of a VR_B2_FILES-file backup (default 5,000, sample
//     VR_B2_SAMPLE = 3,000) into crypt over the b2-emulator, as the emulator counts them,
//     next to the plain runs over the same remote (the same number of calls is the target).
// VR_RUNS (default 5) pairs each. Smaller smoke run: VR_FILES=5000 VR_SAMPLE=500 VR_B2_FILES=500 VR_B2_SAMPLE=300 VR_RUNS=2.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom, transactionClass } from '../packages/core/dist/index.js';
import { startEmulator, writeRcloneTestConfig } from '../packages/b2-emulator/dist/index.js';

const FILES = Number(process.env.VR_FILES ?? 50_000);
const SAMPLE = Number(process.env.VR_SAMPLE ?? 5_000);
const B2_FILES = Number(process.env.VR_B2_FILES ?? 5_000);
const B2_SAMPLE = Number(process.env.VR_B2_SAMPLE ?? 3_000);
const RUNS = Number(process.env.VR_RUNS ?? 5);
const bin = fileURLToPath(new URL('../packages/rclone-backup/bin/rclone-backup.js', import.meta.url));
const run = promisify(execFile);
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

/** `count` files in directories of 100, sizes spread, and the list of their paths. */
function makeTree(root, count, random) {
  const paths = [];
  for (let i = 0; i < count; i++) {
    const dir = `album-${String(Math.floor(i / 100)).padStart(4, '0')}`;
    if (i % 100 === 0) mkdirSync(join(root, dir), { recursive: true });
    const path = `${dir}/IMG_${String(i % 100).padStart(4, '0')}.jpg`;
    writeFileSync(join(root, path), Buffer.alloc(64 + Math.floor(random() * 4000), i % 251));
    paths.push(path);
  }
  return paths;
}

/** `n` of `paths`, drawn with a seeded shuffle, as a --files-from-raw list. */
function sampleList(paths, n, random) {
  const chosen = [...paths];
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
  }
  return `${chosen.slice(0, n).join('\n')}\n`;
}

/** The median of a farm-bench figure (`A wall s`, `A/B cpu`...). */
const figure = (report, name) => Number(new RegExp(`^${name.replace('/', '\\/')}\\s+\\S+\\s+(\\S+)`, 'm').exec(report)?.[1]);

async function farmBench(a, b) {
  const { stdout } = await run('farm-bench', ['-n', String(RUNS), '--timeout', '3000', '--vs', b, '--', ...a], { maxBuffer: 1 << 24 });
  return stdout;
}

const work = mkdtempSync(join(tmpdir(), 'verify-rclone-bench-'));
try {
  const random = seededRandom(5);
  // ---------------------------------------------------------------- 1. local disk
  const src = join(work, 'src');
  const dst = join(work, 'dst');
  const paths = makeTree(src, FILES, random);
  await run('rclone', ['copy', src, dst, '--config', '/dev/null']);
  const list = join(work, 'sample.list');
  writeFileSync(list, sampleList(paths, SAMPLE, random));
  const conf = join(work, 'photos.conf');
  writeFileSync(conf, `[default]\nsource = ${src}\ndestination = ${dst}\narchive_specials = no\n`);
  // The backup's filters (rclone-backup's built-in ones: editor backups) in the plain listings
  // too; rclone takes no other filter with --files-from-raw.
  const rc = `rclone --config /dev/null --links`;
  const filters = `--filter "- *~" --filter "- .#*"`;
  const plain = `sh -c '${rc} lsjson -R --files-only --no-mimetype ${filters} ${src} > /dev/null & ${rc} check --size-only --fast-list ${filters} ${src} ${dst} 2> /dev/null; wait; ${rc} check --download ${src} ${dst} --files-from-raw ${list} 2> /dev/null'`;
  const ours = ['node', bin, conf, '--lock-dir', work, '--verify', `files=${SAMPLE}`, '--seed', '1', '-q'];
  const started = load();
  const report = await farmBench(ours, plain);
  console.log(`Load average at the start: ${started} (2 cores); ${RUNS} pairs each, medians (farm-bench --vs).\n`);
  console.log(`| local disk, ${FILES.toLocaleString('en-US')} files, sample ${SAMPLE.toLocaleString('en-US')} | wall s | CPU s | peak MiB | wall ratio | CPU ratio |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(`| plain rclone: lsjson alongside check --size-only, then check --download --files-from-raw | ${figure(report, 'B wall s').toFixed(2)} | ${figure(report, 'B cpu s').toFixed(2)} | ${figure(report, 'B peak MiB').toFixed(0)} | reference | reference |`);
  console.log(`| rclone-backup --verify files=${SAMPLE} (this build) | ${figure(report, 'A wall s').toFixed(2)} | ${figure(report, 'A cpu s').toFixed(2)} | ${figure(report, 'A peak MiB').toFixed(0)} | **${figure(report, 'A/B wall').toFixed(3)}** | ${figure(report, 'A/B cpu').toFixed(3)} |`);
  if (process.env.VR_BASELINE_BIN) {
    const older = await farmBench(ours, ['node', process.env.VR_BASELINE_BIN, ...ours.slice(2)].join(' '));
    console.log(`| ${process.env.VR_BASELINE_BIN} (VR_BASELINE_BIN), against this build | ${figure(older, 'B wall s').toFixed(2)} | ${figure(older, 'B cpu s').toFixed(2)} | ${figure(older, 'B peak MiB').toFixed(0)} | this/that **${figure(older, 'A/B wall').toFixed(3)}** | ${figure(older, 'A/B cpu').toFixed(3)} |`);
  }

  // ---------------------------------------------------------------- 2. B2 calls over the emulator
  const emulator = await startEmulator();
  try {
    const b2dir = join(work, 'b2');
    mkdirSync(b2dir);
    const config = await writeRcloneTestConfig({ emulator, dir: b2dir, bucket: 'verify-rclone-bench', password: 'bench-password', password2: 'bench-salt' });
    const b2src = join(b2dir, 'src');
    const b2paths = makeTree(b2src, B2_FILES, random);
    const b2conf = join(b2dir, 'photos.conf');
    writeFileSync(b2conf, `[default]\nsource = ${b2src}\ndestination = ${config.cryptPath}photos\narchive_specials = no\n`);
    await run('node', [bin, b2conf, '--rclone-config', config.configPath, '--lock-dir', b2dir]);
    const b2list = join(b2dir, 'sample.list');
    writeFileSync(b2list, sampleList(b2paths, B2_SAMPLE, random));
    const served = async (action) => {
      const before = new Map(emulator.stats);
      await action();
      const calls = {};
      for (const [name, n] of emulator.stats) if (n - (before.get(name) ?? 0) > 0) calls[name] = n - (before.get(name) ?? 0);
      return calls;
    };
    const dest = `${config.cryptPath}photos`;
    const rcB2 = ['--config', config.configPath];
    const filtersB2 = ['--filter', '- *~', '--filter', '- .#*'];
    // The same rclone runs, plain; `check` exits 0 here (nothing differs).
    const plainCalls = await served(() =>
      Promise.all([
        run('rclone', [...rcB2, 'lsjson', '-R', '--files-only', '--no-mimetype', '--links', ...filtersB2, b2src], { maxBuffer: 1 << 28 }),
        run('rclone', [...rcB2, 'check', '--size-only', '--fast-list', '--links', ...filtersB2, b2src, dest]),
      ]).then(() => run('rclone', [...rcB2, 'check', '--download', '--links', b2src, dest, '--files-from-raw', b2list])),
    );
    const ourCalls = await served(() => run('node', [bin, b2conf, '--rclone-config', config.configPath, '--lock-dir', b2dir, '--verify', `files=${B2_SAMPLE}`, '--seed', '1', '-q']));
    const classC = (calls) => Object.entries(calls).filter(([name]) => transactionClass(name) === 'C').reduce((n, [, c]) => n + c, 0);
    const show = (calls) => Object.entries(calls).sort().map(([name, n]) => `${name} ${n}`).join(', ');
    console.log(`\n| crypt over the b2-emulator, ${B2_FILES.toLocaleString('en-US')} files, sample ${B2_SAMPLE.toLocaleString('en-US')} | B2 calls (the emulator's count) | class C |`);
    console.log('|---|---|---:|');
    console.log(`| plain rclone (the same three runs) | ${show(plainCalls)} | ${classC(plainCalls)} |`);
    console.log(`| rclone-backup --verify files=${B2_SAMPLE} | ${show(ourCalls)} | ${classC(ourCalls)} (${classC(ourCalls) === classC(plainCalls) ? 'the same' : 'NOT the same'}) |`);
  } finally {
    await emulator.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
