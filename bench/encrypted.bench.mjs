// encrypted-du and encrypted-restore against the b2-emulator.
//
// 1. encrypted-du over BENCH_DU_FILES files × BENCH_DU_VERSIONS versions (default 100,000 ×
//    10 = 1,000,000 versions), put straight into the emulator's store with names made by
//    core's crypt name cipher (no rclone upload): versions/s and the tool's peak RSS, for the
//    default in-process summary and for --ls. Baseline in the same run: `rclone ls
//    --b2-versions` of the same crypt remote (BENCH_DU_RCLONE=0 skips it).
// 1b. The same bucket with BENCH_LATENCY ms (default 50) added to every B2 call, as from a real
//    region: encrypted-du with core's parallel key-range listing (--list-ranges 16, the
//    default) and with one cursor (--list-ranges 1), against `rclone lsjson -R --b2-versions`
//    of the same crypt remote, run in turn BENCH_RUNS times; median wall times, the ratio to
//    rclone, and the list calls each made (class C, from -v and from the emulator's counts).
//    b2-prune --dry-run (default policy) is timed there too (issue 14, target 4: both ≤ 0.25×
//    rclone's time), and the results are checked against rclone's listing: the set of
//    (path, size) lines of `encrypted-du --ls` equals rclone lsjson's files, and b2-prune saw
//    every version. BENCH_LATENCY=0 skips it; BENCH_ONE_CURSOR=0 skips the one-cursor run;
//    BENCH_DU_CHUNK_1000=1 adds encrypted-du with the old 1,000-name pages.
//    The 1M case: BENCH_PARTS=latency BENCH_RUNS=1 pnpm bench encrypted (rclone alone
//    takes ≥ 1,000 calls × 50 ms; the whole part a few minutes).
// 2. encrypted-restore of BENCH_RESTORE_MB MiB (default 1024) in BENCH_RESTORE_FILES files
//    (default 2,000) of real crypt data, next to `rclone copy` from the same crypt remote,
//    both with 4 transfers; BENCH_RUNS runs each (default 1), medians reported.
//
// BENCH_PARTS (default du,latency,restore) picks parts.
// Smoke run: BENCH_DU_FILES=2000 BENCH_RESTORE_MB=20 BENCH_RESTORE_FILES=40 pnpm bench encrypted
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const core = await import(join(root, 'packages/core/dist/index.js'));
const { startEmulator } = await import(join(root, 'packages/b2-emulator/dist/index.js'));
const { writeRcloneTestConfig } = await import(join(root, 'packages/b2-emulator/dist/test-helpers.js'));

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const DU_FILES = env('BENCH_DU_FILES', 100_000);
const DU_VERSIONS = env('BENCH_DU_VERSIONS', 10);
const RESTORE_MB = env('BENCH_RESTORE_MB', 1024);
const RESTORE_FILES = env('BENCH_RESTORE_FILES', 2000);
const RUNS = env('BENCH_RUNS', 1);
const TRANSFERS = env('BENCH_TRANSFERS', 4);
const LATENCY = env('BENCH_LATENCY', 50);
const PARTS = (process.env.BENCH_PARTS ?? 'du,latency,restore').split(',');
const LATENCY_TARGET = 0.25;

const work = await mkdtemp(join(tmpdir(), 'bench-encrypted-'));
const preload = join(work, 'maxrss.mjs');
// Reports the child's peak RSS (KiB) on exit, so we measure the tool, not this process.
await writeFile(preload, "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write(`\\nMAXRSS ${u.maxRSS} CPU ${(u.userCPUTime + u.systemCPUTime) / 1e6}\\n`); });\n");

function run(program, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    execFile(program, args, { maxBuffer: 1024 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${stderr.slice(-2000)}`));
      else resolve({ seconds, stdout, stderr, maxRssMiB: Number(/MAXRSS (\d+)/.exec(stderr)?.[1] ?? 0) / 1024, cpu: Number(/MAXRSS \d+ CPU ([\d.]+)/.exec(stderr)?.[1] ?? NaN) });
    });
  });
}
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof
const tool = (name, args, options) => run(process.execPath, [...nodeArgs, '--import', preload, join(root, 'packages', name, 'bin', `${name}.js`), ...args], options);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const emulator = await startEmulator({});
const conf = await writeRcloneTestConfig({ emulator, dir: join(work, 'conf'), bucket: 'bench-encrypted', prefix: 'crypt' });
const childEnv = { ...process.env, RCLONE_CONFIG: conf.configPath, HOME: work };
const remote = await core.openCryptRemote({ configPath: conf.configPath, env: childEnv });
const bucket = emulator.store.listBuckets().find((b) => b.bucketName === 'bench-encrypted');
const report = [];

try {
  // ------------------------------------------------------------------ encrypted-du
  {
    const t0 = Date.now();
    const names = [];
    for (let i = 0; i < DU_FILES; i += 1) {
      const plain = `dir${i % 100}/sub${Math.floor(i / 100) % 10}/file-${i}.dat`;
      names.push(`crypt/${remote.names.encryptPath(plain)}`);
    }
    names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const base = Date.UTC(2024, 0, 1);
    for (const fileName of names) {
      for (let v = DU_VERSIONS - 1; v >= 0; v -= 1) {
        const plainBytes = 1000 + v * 100;
        emulator.store.addVersion({
          bucketId: bucket.bucketId,
          fileName,
          action: v === DU_VERSIONS - 1 && fileName.endsWith('a') ? 'hide' : 'upload',
          contentLength: v === DU_VERSIONS - 1 && fileName.endsWith('a') ? 0 : core.encryptedSize(plainBytes),
          contentSha1: 'none',
          contentType: 'application/octet-stream',
          fileInfo: { src_last_modified_millis: String(base + v * 86_400_000) },
          uploadTimestamp: base + v * 86_400_000,
        });
      }
    }
    const versions = DU_FILES * DU_VERSIONS;
    process.stderr.write(`encrypted-du: populated ${fmt(versions)} versions in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const rows = [];
    for (const [label, args] of !PARTS.includes('du') ? [] : [
      ['encrypted-du (summary, all inventory)', ['--all-output', '/dev/null', 'secret:']],
      ['encrypted-du --ls (all inventory)', ['--ls', '--all-output', '/dev/null', 'secret:']],
    ]) {
      const times = [];
      let rss = 0;
      for (let r = 0; r < RUNS; r += 1) {
        const result = await tool('encrypted-du', args, { env: childEnv });
        times.push(result.seconds);
        rss = Math.max(rss, result.maxRssMiB);
      }
      rows.push([label, median(times), versions / median(times), rss]);
    }
    if (PARTS.includes('du') && process.env.BENCH_DU_RCLONE !== '0') {
      const result = await run('rclone', ['ls', '--b2-versions', '--fast-list', 'secret:'], { env: childEnv });
      const lines = result.stdout.split('\n').filter(Boolean).length;
      rows.push([`rclone ls --b2-versions --fast-list (baseline, ${fmt(lines)} lines)`, result.seconds, versions / result.seconds, NaN]);
    }
    if (rows.length > 0) report.push(
      `### encrypted-du: ${fmt(versions)} versions (${fmt(DU_FILES)} files), 0 ms latency`,
      '',
      '| run | seconds | versions/s | peak RSS (MiB) |',
      '|---|---:|---:|---:|',
      ...rows.map(([label, s, rate, rss]) => `| ${label} | ${s.toFixed(1)} | ${fmt(rate)} | ${Number.isNaN(rss) ? '–' : fmt(rss)} |`),
      '',
    );
    if (LATENCY > 0 && PARTS.includes('latency')) {
      // What rclone lists, to check the tools against: encrypted-du --ls (taken at 0 ms) as (size, path) lines.
      const ls = await tool('encrypted-du', ['--ls', 'secret:'], { env: childEnv });
      const ourLines = ls.stdout.split('\n').filter(Boolean).map((line) => line.trimStart()).sort();
      emulator.setFaults([{ kind: 'latency', ms: LATENCY }]);
      const listCalls = () => (emulator.stats.get('b2_list_file_versions') ?? 0) + (emulator.stats.get('b2_list_file_names') ?? 0);
      const variants = [
        { label: 'encrypted-du (16 key ranges, the default)', target: true, start: () => tool('encrypted-du', ['-v', '--all-output', '/dev/null', 'secret:'], { env: childEnv }) },
        { label: 'b2-prune --dry-run (16 key ranges)', target: true, start: () => tool('b2-prune', ['--dry-run', 'secret:'], { env: childEnv }) },
        ...(process.env.BENCH_DU_CHUNK_1000 === '1' ? [{ label: 'encrypted-du --list-chunk 1000 (the default before 2026-12-05)', start: () => tool('encrypted-du', ['-v', '--list-chunk', '1000', '--all-output', '/dev/null', 'secret:'], { env: childEnv }) }] : []),
        ...(process.env.BENCH_ONE_CURSOR === '0' ? [] : [{ label: 'encrypted-du --list-ranges 1 (one cursor: the calls rclone makes)', start: () => tool('encrypted-du', ['-v', '--list-ranges', '1', '--all-output', '/dev/null', 'secret:'], { env: childEnv }) }]),
        { label: 'rclone lsjson -R --b2-versions (baseline)', baseline: true, start: () => run('rclone', ['lsjson', '-R', '--b2-versions', 'secret:'], { env: childEnv }) },
      ];
      const times = variants.map(() => []);
      const cpu = variants.map(() => []);
      const calls = variants.map(() => 0);
      const peaks = variants.map(() => []);
      // Billed class C: B2 bills a list call per 1,000 names returned (the tools' -v line counts it so); rclone's pages hold 1,000.
      const classC = variants.map(() => NaN);
      const outputs = variants.map(() => '');
      // The emulator answers in this process: its CPU per run shows when it, not the latency, is the limit.
      const served = variants.map(() => []);
      for (let r = 0; r < RUNS; r += 1) {
        for (const [i, { start }] of variants.entries()) {
          const before = listCalls();
          const cpu0 = process.cpuUsage();
          const result = await start();
          const spent = process.cpuUsage(cpu0);
          served[i].push((spent.user + spent.system) / 1e6);
          times[i].push(result.seconds);
          cpu[i].push(result.cpu);
          peaks[i].push(result.maxRssMiB);
          calls[i] = listCalls() - before;
          const billed = /class C (\d+)/.exec(`${result.stderr}\n${result.stdout}`);
          classC[i] = billed ? Number(billed[1]) : variants[i].baseline ? calls[i] : NaN;
          outputs[i] = result.stdout;
        }
      }
      emulator.setFaults();
      const b = variants.findIndex((v) => v.baseline);
      const base = median(times[b]);
      const theirLines = JSON.parse(outputs[b]).filter((item) => !item.IsDir).map((item) => `${item.Size} ${item.Path}`).sort();
      const same = theirLines.length === ourLines.length && theirLines.every((line, i) => line === ourLines[i]);
      const bytes = (lines) => lines.reduce((sum, line) => sum + Number(line.slice(0, line.indexOf(' '))), 0);
      const pruneOut = outputs[variants.findIndex((v) => v.label.startsWith('b2-prune'))];
      const seen = /(\d+) files, (\d+) versions seen/.exec(pruneOut);
      report.push(
        `### listing at ${LATENCY} ms latency per call: ${fmt(versions)} versions, ${RUNS} run(s) in turn`,
        '',
        '| run | seconds (median) | CPU s (median) | emulator CPU s | ratio to rclone | list calls | class C billed | peak RSS MiB | target ≤ 0.25× |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---|',
        ...variants.map(({ label, target }, i) => {
          const ratio = median(times[i]) / base;
          return `| ${label} | ${median(times[i]).toFixed(1)} | ${Number.isNaN(median(cpu[i])) ? '–' : median(cpu[i]).toFixed(1)} | ${median(served[i]).toFixed(1)} | ${ratio.toFixed(2)} | ${fmt(calls[i])} | ${Number.isNaN(classC[i]) ? '–' : fmt(classC[i])} | ${peaks[i].some((p) => p > 0) ? fmt(Math.max(...peaks[i])) : '–'} | ${target ? (ratio <= LATENCY_TARGET ? 'met' : 'NOT met') : '–'} |`;
        }),
        '',
        `Same results: encrypted-du --ls and rclone lsjson list ${same ? 'the same' : 'DIFFERENT'} files (${fmt(ourLines.length)} vs ${fmt(theirLines.length)} entries, ${fmt(bytes(ourLines))} vs ${fmt(bytes(theirLines))} bytes); ` +
          `b2-prune saw ${seen ? `${fmt(Number(seen[1]))} files and ${fmt(Number(seen[2]))} versions` : 'nothing it reported'} of ${fmt(DU_FILES)} and ${fmt(versions)}. Load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
        '',
      );
      if (!same || !seen || Number(seen[2]) !== versions) process.exitCode = 1;
    }
    // Free the du data before the restore part.
    for (const fileName of names) for (const v of [...emulator.store.versionsOf(bucket.bucketId, fileName)]) emulator.store.deleteVersion(v.fileId);
  }

  // ------------------------------------------------------------------ encrypted-restore
  if (PARTS.includes('restore')) {
    const t0 = Date.now();
    const fileBytes = Math.floor((RESTORE_MB * 1024 * 1024) / RESTORE_FILES);
    const seed = randomBytes(fileBytes + 4096);
    const base = Date.UTC(2024, 2, 1);
    for (let i = 0; i < RESTORE_FILES; i += 1) {
      const plain = seed.subarray(i % 4096, (i % 4096) + fileBytes);
      const chunks = [];
      for await (const chunk of Readable.from([plain]).pipe(remote.content.encryptStream())) chunks.push(chunk);
      const data = Buffer.concat(chunks);
      emulator.store.addVersion(
        {
          bucketId: bucket.bucketId,
          fileName: `crypt/${remote.names.encryptPath(`restore/d${i % 20}/f${i}.bin`)}`,
          action: 'upload',
          contentLength: data.length,
          contentSha1: createHash('sha1').update(data).digest('hex'),
          contentType: 'application/octet-stream',
          fileInfo: { src_last_modified_millis: String(base + i * 1000) },
          uploadTimestamp: base + i * 1000,
        },
        data,
      );
    }
    process.stderr.write(`encrypted-restore: populated ${RESTORE_FILES} files, ${RESTORE_MB} MiB in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const ours = [];
    const theirs = [];
    for (let r = 0; r < RUNS; r += 1) {
      const a = join(work, `ours-${r}`);
      ours.push((await tool('encrypted-restore', ['-q', '--as-of', '0s', '--transfers', String(TRANSFERS), 'secret:restore', a], { env: childEnv })).seconds);
      await rm(a, { recursive: true, force: true });
      const b = join(work, `rclone-${r}`);
      theirs.push((await run('rclone', ['copy', '--transfers', String(TRANSFERS), 'secret:restore', b], { env: childEnv })).seconds);
      await rm(b, { recursive: true, force: true });
    }
    const mib = (fileBytes * RESTORE_FILES) / 1024 / 1024;
    report.push(
      `### encrypted-restore: ${fmt(mib)} MiB in ${fmt(RESTORE_FILES)} files, ${TRANSFERS} transfers, ${RUNS} run(s)`,
      '',
      '| tool | seconds (median) | MiB/s |',
      '|---|---:|---:|',
      `| encrypted-restore --as-of | ${median(ours).toFixed(1)} | ${fmt(mib / median(ours), 1)} |`,
      `| rclone copy (baseline) | ${median(theirs).toFixed(1)} | ${fmt(mib / median(theirs), 1)} |`,
      '',
      `encrypted-restore / rclone time ratio: ${(median(ours) / median(theirs)).toFixed(2)} (≤ 1 is "at least as fast")`,
      '',
    );
  }
} finally {
  await emulator.close();
  await rm(work, { recursive: true, force: true });
}
process.stdout.write(`${report.join('\n')}\n`);
