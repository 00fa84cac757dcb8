#!/usr/bin/env node
// rclone-backup benchmarks (see bench/RESULTS.md, section rclone-backup):
//  0. adds nothing to rclone (issue 14, target 2): an unchanged re-run of a RB_BENCH_B2_FILES-file
//     (default 10,000) backup into crypt over the b2-emulator, 50 ms of latency on every listing
//     call, as the CLI in the default and in the strictest safety mode, next to the equivalent
//     single plain `rclone sync` (farm-bench --vs, pair-by-pair ratio medians), and the
//     b2_list_file_names calls each makes (target: ≤ 1.10×, the same number of calls); beside
//     them the floor any Node program has (bench/floor/: Node that only spawns the plain sync,
//     through node:child_process and through execa), each against the plain sync alike
//     (RB_BENCH_NO_FLOOR=1 leaves the floor out);
//  1. wrapper overhead: an unchanged re-run of 10,000 small files into a local directory,
//     `rclone-backup CONF` (in-process main(), and as a CLI process) next to the plain
//     `rclone sync` command line it runs, same run, medians;
//  2. archive_specials scan of a 200,000-entry tree next to `find -type p -o -type b -o -type c`.
// Smaller smoke run: RB_BENCH_B2_FILES=1000 RB_BENCH_FILES=2000 RB_BENCH_ENTRIES=20000 RB_BENCH_RUNS=3 pnpm bench rclone-backup
// (RB_BENCH_ONLY_B2=1: section 0 only). The plain baseline is the command the tool amounts to: the
// same union (SOURCE + the archive, fetched back with its mtime), filters, --links and --fast-list.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../packages/rclone-backup/dist/main.js';
import { collectLinkConflicts } from '../packages/rclone-backup/dist/link-names.js';
import { findSpecialFiles, writeSpecialsArchive } from '../packages/rclone-backup/dist/specials.js';
import { SPECIALS_ARCHIVE, unionSource } from '../packages/rclone-backup/dist/rclone-args.js';
import { startEmulator, writeRcloneTestConfig } from '../packages/b2-emulator/dist/index.js';

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

const B2_FILES = Number(process.env.RB_BENCH_B2_FILES ?? 10_000);
const run = promisify(execFile);

/** One table row from a farm-bench report of A (ours) against B (plain rclone). */
function row(label, report, plainCalls, ourCalls) {
  const median = (name) => Number(new RegExp(`^${name}\\s+\\S+\\s+(\\S+)`, 'm').exec(report)?.[1]);
  const ratio = median('A/B wall');
  return `| ${label} | ${(median('B wall s') * 1000).toFixed(0)} ms | ${(median('A wall s') * 1000).toFixed(0)} ms | ${ratio.toFixed(3)} (${ratio <= 1.1 ? 'met' : 'NOT met'}) | ${median('B cpu s').toFixed(2)} s / ${median('A cpu s').toFixed(2)} s (${median('A/B cpu').toFixed(3)}) | ${plainCalls} | ${ourCalls} (${ourCalls === plainCalls ? 'met' : 'NOT met'}) |`;
}

/**
 * The two floors of target 2 (bench/floor/): Node spawning rclone through node:child_process, and
 * through execa (the house rule), bundled into one CommonJS file as the bins are.
 */
async function floorWrappers(work) {
  const { build } = await import('esbuild');
  const execaBundle = join(work, 'execa-rclone.cjs');
  await build({ entryPoints: [fileURLToPath(new URL('floor/execa-rclone.mjs', import.meta.url))], bundle: true, platform: 'node', format: 'cjs', outfile: execaBundle, nodePaths: [fileURLToPath(new URL('../packages/core/node_modules', import.meta.url))], logLevel: 'warning' });
  return [
    ['floor: a Node process that only spawns the plain sync (`node:child_process`)', fileURLToPath(new URL('floor/spawn-rclone.mjs', import.meta.url))],
    ['floor: the same through execa (the house rule), bundled', execaBundle],
  ];
}

/** 0. Unchanged re-runs through the emulator with listing latency: wall ratio and list calls vs plain rclone sync. */
async function b2Section(work) {
  // The emulator lives in this process: every child is started asynchronously.
  const emulator = await startEmulator({ keyId: 'bench-key-id', key: 'bench-key-SECRET' });
  try {
    const rc = await writeRcloneTestConfig({ emulator, dir: work, bucket: 'bench-bucket', password: 'bench-pw', password2: 'bench-salt' });
    const src = join(work, 'b2src');
    tree(src, B2_FILES, 100, (file, i) => writeFileSync(file, `file ${i}\n`));
    writeFileSync(join(src, 'SENTINEL'), 'here\n');
    spawnSync('mkfifo', [join(src, 'd0', 'pipe')]);
    // An old FIFO, as on a real system: one made this second gives the archive the run's own
    // time (never a future one), and the plain baseline would then sync back the first run's
    // archive against ours on every pair.
    utimesSync(join(src, 'd0', 'pipe'), new Date(Date.now() - 86_400_000), new Date(Date.now() - 86_400_000));
    const modes = [
      ['default (max_delete 50 %, strict guards)', 'default', ''],
      ['strictest (min_files, max_delete count/%/size, sentinel)', 'strictest', `min_files = ${Math.floor(B2_FILES * 0.9)}\nmax_delete = 100, 10%, 1G\nsentinel = SENTINEL\n`],
    ];
    const rows = [];
    const floors = await floorWrappers(work);
    for (const [label, name, extra] of modes) {
      const destination = `${rc.cryptPath}${name}`;
      const conf = join(work, `${name}.conf`);
      writeFileSync(conf, `[default]\nsource = ${src}\ndestination = ${destination}\n${extra}[filters]\n- *.tmp\n`);
      const backup = [process.execPath, bin, conf, '--rclone-config', rc.configPath, '--lock-dir', work];
      emulator.setFaults([]);
      await run(backup[0], backup.slice(1), { maxBuffer: 1 << 26 });
      // The plain sync of the same tree: SOURCE and the special-files archive (fetched back, mtime kept).
      const archiveDir = join(work, `archive-${name}`);
      mkdirSync(archiveDir);
      await run('rclone', ['--config', rc.configPath, 'copy', `${destination}/${SPECIALS_ARCHIVE}`, archiveDir]);
      const plain = ['rclone', '--config', rc.configPath, 'sync', unionSource(src, archiveDir), destination, '--delete-excluded', '--filter', '- *~', '--filter', '- .#*', '--filter', `+ /${SPECIALS_ARCHIVE}`, '--filter', '- *.tmp', '--links', '--fast-list'];
      emulator.setFaults([{ kind: 'latency', ms: 50, calls: ['b2_list_file_names', 'b2_list_file_versions'] }]);
      const calls = async (argv) => {
        const before = emulator.stats.get('b2_list_file_names') ?? 0;
        await run(argv[0], argv.slice(1), { maxBuffer: 1 << 26 });
        return (emulator.stats.get('b2_list_file_names') ?? 0) - before;
      };
      const plainCalls = await calls(plain);
      const backupCalls = await calls(backup);
      // farm-bench splits --vs as a shell would: quote the union remote's argument.
      const quoted = plain.map((a) => (/[\s"':,]/.test(a) ? `'${a.replaceAll("'", "'\\''")}'` : a)).join(' ');
      const { stdout } = await run('farm-bench', ['-n', String(RUNS), '--timeout', '1800', '--vs', quoted, '--', ...backup], { maxBuffer: 1 << 26 });
      rows.push(row(label, stdout, plainCalls, backupCalls));
      if (name === 'default' && !process.env.RB_BENCH_NO_FLOOR) {
        // The floor: what any Node program adds when all it does is start and run this plain sync.
        for (const [floorLabel, file] of floors) {
          const wrapper = [process.execPath, file, ...plain];
          const wrapperCalls = await calls(wrapper);
          const { stdout: floorOut } = await run('farm-bench', ['-n', String(RUNS), '--timeout', '1800', '--vs', quoted, '--', ...wrapper], { maxBuffer: 1 << 26 });
          rows.push(row(floorLabel, floorOut, plainCalls, wrapperCalls));
        }
      }
    }
    return [
      `### rclone-backup adds nothing to rclone (${new Date().toISOString().slice(0, 10)}, ${B2_FILES} files into crypt over the b2-emulator, 50 ms latency on listing calls, ${RUNS} pairs, farm-bench medians; load average ${load.toFixed(1)} at start, ${(await import('node:os')).loadavg()[0].toFixed(1)} at end)`,
      '',
      '| mode (CLI, unchanged re-run) | plain `rclone sync` wall (baseline) | ours wall | ratio (target ≤ 1.10) | CPU plain / ours (ratio) | plain list calls | our list calls |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ];
  } finally {
    await emulator.close();
  }
}

const work = mkdtempSync(join(tmpdir(), 'rb-bench-'));
try {
  process.stdout.write(`${(await b2Section(work)).join('\n')}\n`);
  if (process.env.RB_BENCH_ONLY_B2) process.exit(0);
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
