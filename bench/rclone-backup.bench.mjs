#!/usr/bin/env node
// rclone-backup benchmarks (see bench/RESULTS.md, section rclone-backup):
//  1. wrapper overhead: an unchanged re-run of 10,000 small files into a local directory,
//     `rclone-backup CONF` (in-process main(), and as a CLI process) next to the plain
//     `rclone sync` command line it runs, same run, medians;
//  2. archive_specials scan of a 200,000-entry tree next to `find -type p -o -type b -o -type c`.
// Smaller smoke run: RB_BENCH_FILES=2000 RB_BENCH_ENTRIES=20000 RB_BENCH_RUNS=3 pnpm bench rclone-backup
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../packages/rclone-backup/dist/main.js';
import { collectLinkConflicts } from '../packages/rclone-backup/dist/link-names.js';
import { findSpecialFiles, writeSpecialsArchive } from '../packages/rclone-backup/dist/specials.js';

const FILES = Number(process.env.RB_BENCH_FILES ?? 10_000);
const ENTRIES = Number(process.env.RB_BENCH_ENTRIES ?? 200_000);
const RUNS = Number(process.env.RB_BENCH_RUNS ?? 9);
const load = (await import('node:os')).loadavg()[0];
const bin = fileURLToPath(new URL('../packages/rclone-backup/bin/rclone-backup.js', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

function tree(root, count, perDir, make) {
  for (let i = 0; i < count; i++) {
    const dir = join(root, `d${Math.floor(i / perDir)}`);
    if (i % perDir === 0) mkdirSync(dir, { recursive: true });
    make(join(dir, `f${i}`), i);
  }
}

function memoryIO() {
  const sink = () => { const s = new PassThrough(); s.resume(); return s; };
  return { stdin: new PassThrough(), stdout: sink(), stderr: sink(), env: { ...process.env }, cwd: process.cwd(), stderrIsTTY: false };
}

const work = mkdtempSync(join(tmpdir(), 'rb-bench-'));
try {
  // 1. wrapper overhead
  const src = join(work, 'src');
  const dst = join(work, 'dst');
  tree(src, FILES, 100, (file, i) => writeFileSync(file, `file ${i}\n`));
  const conf = join(work, 'bench.conf');
  writeFileSync(conf, `[default]\nsource = ${src}\ndestination = ${dst}\n[filters]\n- *.tmp\n`);
  const plain = ['sync', src, dst, '--delete-excluded', '--filter', '- *~', '--filter', '- .#*', '--filter', '- *.tmp', '--links', '--fast-list'];
  const first = await main([conf, '-q', '--lock-dir', work], memoryIO());
  if (first !== 0) throw new Error(`initial sync failed with ${first}`);
  const timeIt = async (fn) => { const t = performance.now(); await fn(); return performance.now() - t; };
  const rcloneTimes = [];
  const inProcess = [];
  const cli = [];
  const ratios = [];
  const onePass = [];
  const onePassRatios = [];
  const runPlain = () => timeIt(() => { const p = spawnSync('rclone', plain, { stdio: 'ignore' }); if (p.status !== 0) throw new Error('rclone failed'); });
  const cpu = [];
  const runMain = (extra = []) => timeIt(async () => {
    const before = process.cpuUsage();
    const code = await main([conf, '--lock-dir', work, ...extra], memoryIO());
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
    if (code !== 0) throw new Error(`rclone-backup exit ${code}`);
  });
  for (let r = 0; r < RUNS * 2; r++) {
    // Interleaved, alternating order, so machine noise hits both alike; each round gives a paired ratio.
    const [a, b] = r % 2 === 0 ? [await runPlain(), await runMain()] : (([m, p]) => [p, m])([await runMain(), await runPlain()]);
    rcloneTimes.push(a);
    inProcess.push(b);
    ratios.push(b / a);
    // The one-pass mode (--no-strict-guards): no --delete-before, so rclone marches once.
    const [c, d] = [await runPlain(), await runMain(['--no-strict-guards'])];
    onePassRatios.push(d / c);
    onePass.push(d);
  }
  for (let r = 0; r < RUNS; r++) {
    cli.push(await timeIt(() => { const p = spawnSync(process.execPath, [bin, conf, '--lock-dir', work], { stdio: 'ignore' }); if (p.status !== 0) throw new Error('cli failed'); }));
  }
  const base = median(rcloneTimes);
  const node = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }) && median(Array.from({ length: 5 }, () => { const t = performance.now(); spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }); return performance.now() - t; }));

  // 2. archive_specials scan
  const big = join(work, 'big');
  tree(big, ENTRIES, 200, (file, i) => (i % 20_000 === 0 ? spawnSync('mkfifo', [file]) : writeFileSync(file, '')));
  const scans = [];
  const finds = [];
  let members = 0;
  for (let r = 0; r < Math.min(RUNS, 5); r++) {
    finds.push(await timeIt(() => spawnSync('find', [big, '(', '-type', 'p', '-o', '-type', 'b', '-o', '-type', 'c', ')'], { stdio: 'ignore' })));
    // What a sync does before rclone runs: one walk for special files and --links name conflicts, then the archive (outside SOURCE).
    scans.push(await timeIt(async () => {
      const conflicts = [];
      const found = await findSpecialFiles(big, (relative, entries) => collectLinkConflicts(conflicts, relative, entries));
      members = found.length;
      await writeSpecialsArchive(mkdtempSync(join(work, 'archive-')), found, Date.now());
    }));
  }

  const lines = [
    `### rclone-backup (${new Date().toISOString().slice(0, 10)}, ${FILES} files, ${ENTRIES} entries, ${RUNS} runs, medians; load average ${load.toFixed(1)} at start)`,
    '',
    '| measurement | median | vs baseline |',
    '|---|---|---|',
    `| plain \`rclone sync\` (unchanged, ${FILES} files) — baseline | ${ms(base)} | 1.00 |`,
    `| \`rclone-backup\` sync, in-process \`main()\` | ${ms(median(inProcess))} | ${(median(inProcess) / base).toFixed(3)}; median of ${ratios.length} paired ratios ${median(ratios).toFixed(3)} (overhead ${((median(ratios) - 1) * 100).toFixed(1)}%) |`,
    `| \`rclone-backup --no-strict-guards\` (one pass, no \`--delete-before\`), in-process | ${ms(median(onePass))} | median of ${onePassRatios.length} paired ratios ${median(onePassRatios).toFixed(3)} (overhead ${((median(onePassRatios) - 1) * 100).toFixed(1)}%) |`,
    `| \`rclone-backup\`'s own CPU time per sync (Node side, excluding rclone) | ${ms(median(cpu))} | ${(median(cpu) / base * 100).toFixed(1)}% of the baseline's wall time |`,
    `| \`rclone-backup\` sync, CLI process (incl. Node start-up, ${ms(node)} for \`node -e ''\`) | ${ms(median(cli))} | ${(median(cli) / base).toFixed(3)} |`,
    `| \`find\` for FIFOs/devices in ${ENTRIES} entries — baseline | ${ms(median(finds))} | 1.00 |`,
    `| archive_specials + link-name scan, archive (${members} FIFOs) | ${ms(median(scans))} | ${(median(scans) / median(finds)).toFixed(2)} (target ≤ 2000 ms: ${median(scans) <= 2000 ? 'met' : 'NOT met'}) |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
