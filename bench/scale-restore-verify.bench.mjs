#!/usr/bin/env node
// Issue 14, target 5: `encrypted-restore --all-versions` and `rclone-backup --verify` at
// 10M versions / 1M files, excluding network: peak RSS ≤ 1 GiB, ≥ 500,000 versions/s.
//
// restore: an in-process B2Api (LazyBucket below) makes pages on demand — 1M files in 1,000
//   directories, 10 versions each (every tenth file deleted: its newest version a hide), names
//   from core's real crypt name cipher, in B2's byte order, with listFileVersionsPage so the
//   tool's parallel lister runs as against real B2. Measured: encrypted-restore's plan (core's
//   listCryptFiles + the tool's restore() with dryRun, its text plan written to /dev/null),
//   i.e. listing, grouping, name decryption, version selection, versioned names, output.
//   Reference in the same run: the source alone (the parallel lister draining LazyBucket).
// verify: rclone-backup's runVerify (`--verify data=1% --verify age=1d --rotate` with a
//   ledger, as the nightly runner calls it) with RCLONE pointing at a replay program: the
//   lsjson listing and the `rclone check --combined -` report were produced once by real
//   rclone on a 1,000-file tree here and are replayed with unique names (rep-N/…) up to
//   the wanted file count; sample batches get `=` for every path of their list.
//   So the tool's own processing (parsing, spooling, ledger join, sample, ledger write) is
//   measured; rclone and the disk are not (the replay runs in its own process).
// Each measurement runs in its own process: peak RSS is that process's maxRSS.
// Sizes: SCALE_VERSIONS (default 10,000,000; restore files = versions / 10; verify files =
//   versions / 10 too), SCALE_RUNS (default 1). Smoke: SCALE_VERSIONS=100000 pnpm bench scale-restore-verify
//   SCALE_ONLY=verify runs only the verify part (its line of the table);
//   SCALE_VERIFY_BASELINE=DIST runs another rclone-backup build's verify interleaved with this
//   one (CPU ratio, identical ledger and sample); SCALE_VERIFY_WORK=DIR keeps the prepared tree
//   (the runs of one bench share a tree either way, prepared by a child that is not measured);
//   SCALE_VERIFY_TRACE=1 prints each verify phase's CPU and page faults to stderr.
// One child alone: node bench/scale-restore-verify.bench.mjs --child restore|source|verify|verify-prepare VERSIONS
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, createWriteStream, existsSync, openSync, writeSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../packages/core/dist/random/seeded-random.js';

const here = dirname(fileURLToPath(import.meta.url));
const coreModule = join(here, '../packages/core/dist/index.js');
const restoreDist = join(here, '../packages/encrypted-restore/dist');
// VERIFY_DIST: another build of rclone-backup (e.g. the previous commit's) for a before/after run.
const backupDist = process.env.VERIFY_DIST ?? join(here, '../packages/rclone-backup/dist');
const PER_FILE = 10;
const PER_DIR = 1000;
const NOW = Date.UTC(2026, 0, 1, 12);
const DAY = 86_400_000;
const TARGET_RATE = 500_000;
const TARGET_RSS_MIB = 1024;


// ---------------------------------------------------------------- restore: the lazy source
/**
 * A bucket of `files` files (PER_DIR per directory) × PER_FILE versions under `backup/`,
 * made page by page: only the sorted encrypted directory names and a few directories'
 * sorted file names are held, never the listing.
 */
class LazyBucket {
  constructor(names, files, encryptedSize) {
    this.names = names;
    this.encryptedSize = encryptedSize;
    this.files = files;
    this.transactions = { A: 0, B: 0, C: 0 };
    const dirs = Math.ceil(files / PER_DIR);
    this.dirs = Array.from({ length: dirs }, (_, d) => ({ d, key: `backup/${names.encryptPath(`d${d}`)}/` })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.cache = new Map();
  }

  /** Directory at sorted position i: its files' encrypted names, sorted, with their numbers. */
  dir(i) {
    let entry = this.cache.get(i);
    if (entry) return entry;
    const { d, key } = this.dirs[i];
    const count = Math.min(PER_DIR, this.files - d * PER_DIR);
    const list = Array.from({ length: count }, (_, j) => {
      const n = d * PER_DIR + j;
      return { n, name: key + this.names.encryptPath(`IMG_${String(n).padStart(7, '0')}.jpg`) };
    }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    entry = list;
    if (this.cache.size >= 64) this.cache.delete(this.cache.keys().next().value);
    this.cache.set(i, entry);
    return entry;
  }

  /** First (dir, file) position whose name is ≥ s. */
  seek(s) {
    let lo = 0;
    let hi = this.dirs.length; // first dir whose key > s
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.dirs[mid].key <= s) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0) return { i: 0, j: 0 };
    if (!s.startsWith(this.dirs[i].key)) return { i: i + 1, j: 0 };
    const list = this.dir(i);
    let a = 0;
    let b = list.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (list[mid].name < s) a = mid + 1;
      else b = mid;
    }
    return a < list.length ? { i, j: a } : { i: i + 1, j: 0 };
  }

  version(n, name, v) {
    const at = NOW - v * 7 * DAY - (n % 997) * 1000;
    const hide = v === 0 && n % 10 === 0;
    return {
      fileId: `4_zb_f${n}_v${v}`,
      fileName: name,
      action: hide ? 'hide' : 'upload',
      contentLength: hide ? 0 : this.encryptedSize((n * 7919 + v * 104_729) % 5_000_000),
      contentSha1: hide ? null : 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      contentType: hide ? null : 'application/octet-stream',
      uploadTimestamp: at,
      fileInfo: hide ? {} : { src_last_modified_millis: String(at - 60_000) },
    };
  }

  async listFileVersionsPage(_bucketId, options = {}) {
    this.transactions.C += 1;
    const pageSize = options.pageSize ?? 1000;
    let { i, j } = options.startFileName ? this.seek(options.startFileName) : { i: 0, j: 0 };
    let v = 0;
    if (options.startFileId && i < this.dirs.length && this.dir(i)[j]?.name === options.startFileName) v = Number(/_v(\d+)$/.exec(options.startFileId)[1]);
    const files = [];
    while (i < this.dirs.length) {
      const list = this.dir(i);
      const { n, name } = list[j];
      if (files.length === pageSize) return { files, nextFileName: name, nextFileId: `4_zb_f${n}_v${v}` };
      files.push(this.version(n, name, v));
      v += 1;
      if (v === PER_FILE) {
        v = 0;
        j += 1;
        if (j === list.length) {
          i += 1;
          j = 0;
        }
      }
    }
    return { files };
  }

  async *listFileVersions(bucketId, options = {}) {
    let page = await this.listFileVersionsPage(bucketId, options);
    for (;;) {
      yield* page.files;
      if (page.nextFileName === undefined) return;
      page = await this.listFileVersionsPage(bucketId, { ...options, startFileName: page.nextFileName, startFileId: page.nextFileId });
    }
  }

  async *listFileNames(bucketId, options = {}) {
    let shown = 0;
    for await (const v of this.listFileVersions(bucketId, options)) {
      if (v.action === 'upload' && v.fileId.endsWith('_v0')) yield v;
      if (++shown >= (options.pageSize ?? 1000) * PER_FILE) return;
    }
  }
}

async function restoreChild(kind, versions) {
  const core = await import(coreModule);
  const names = core.createNameCipher(await core.deriveKeys('bench password', 'bench salt'));
  const content = await import(join(here, '../packages/core/dist/crypt/content.js'));
  const client = new LazyBucket(names, Math.ceil(versions / PER_FILE), content.encryptedSize);
  const bucket = { client, bucketId: 'b1', prefix: 'backup', names };
  const started = performance.now();
  let listed = 0;
  let files = 0;
  let lines = 0;
  if (kind === 'source') {
    for await (const v of core.listVersionsParallel(client, 'b1', { prefix: 'backup/', pageSize: 10_000, concurrency: core.DEFAULT_LIST_CONCURRENCY })) if (v) listed += 1;
  } else {
    const { restore } = await import(join(restoreDist, 'restore.js'));
    const { textReport } = await import(join(restoreDist, 'report.js'));
    const out = createWriteStream('/dev/null');
    const counted = {
      async plan(entry) {
        lines += 1;
        return report.plan(entry);
      },
      flush: () => report.flush(),
      finish: () => report.flush(),
    };
    const report = textReport(out);
    const logger = core.createLogger({ tool: 'encrypted-restore', stream: process.stderr, verbosity: 0 });
    async function* counting() {
      for await (const h of core.listCryptFiles(bucket, { path: '' })) {
        files += 1;
        listed += h.versions.length;
        yield h;
      }
    }
    const stats = await restore(counting(), {
      client,
      content: { decryptStream: () => { throw new Error('dry run downloads nothing'); } },
      plainSize: (n) => content.plainSize(n),
      mode: { kind: 'all' },
      target: '/restore',
      transfers: 4,
      dryRun: true,
      report: counted,
      logger,
    });
    out.end();
    await once(out, 'finish');
    if (stats.files + stats.deletions !== listed) throw new Error(`planned ${stats.files + stats.deletions} of ${listed} versions`);
  }
  const wall = (performance.now() - started) / 1000;
  const usage = process.resourceUsage();
  return { versions: listed, files, lines, wall, cpu: (usage.userCPUTime + usage.systemCPUTime) / 1e6, rssMiB: usage.maxRSS / 1024 };
}

// ---------------------------------------------------------------- verify: replayed rclone
const REPLAY = `#!/usr/bin/env node
// Replays real rclone output (templates recorded once) with unique names rep-R/…
import { readFileSync, writeFileSync } from 'node:fs';
const t = JSON.parse(readFileSync(process.env.REPLAY_TEMPLATES, 'utf8'));
const reps = Number(process.env.REPLAY_REPS);
const args = process.argv.slice(2);
const command = args.find((a) => !a.startsWith('-'));
let buf = '';
const put = (s) => { buf += s; if (buf.length > 1 << 16) { process.stdout.write(buf); buf = ''; } };
if (command === 'lsjson') {
  put('[\\n');
  for (let r = 0; r < reps; r++) for (const line of t.lsjson) put(line.replace('{"Path":"', '{"Path":"rep-' + r + '/') + ',\\n');
  put(']\\n');
} else if (command === 'check') {
  const list = args.indexOf('--files-from-raw');
  // Builds before 2026-12-06 named a batch's files by filter rules (kept for SCALE_VERIFY_BASELINE runs).
  const rules = args.indexOf('--filter-from');
  if (list >= 0) {
    for (const path of readFileSync(args[list + 1], 'utf8').split('\\n')) if (path !== '') put('= ' + path + '\\n');
  } else if (rules >= 0) {
    for (const rule of readFileSync(args[rules + 1], 'utf8').split('\\n')) if (rule.startsWith('+ /')) put('= ' + rule.slice(3).replace(/\\\\(.)/g, '$1') + '\\n');
  } else if (args.includes('--combined')) {
    for (let r = 0; r < reps; r++) for (const line of t.check) put(line.slice(0, 2) + 'rep-' + r + '/' + line.slice(2) + '\\n');
  } else {
    // Each kind of difference into its file (--differ FILE...), equal files only counted in rclone's notice.
    const kinds = { '*': '--differ', '+': '--missing-on-dst', '-': '--missing-on-src', '!': '--error' };
    const texts = {};
    let matching = 0;
    for (let r = 0; r < reps; r++) for (const line of t.check) {
      if (line[0] === '=') matching++;
      else texts[kinds[line[0]]] = (texts[kinds[line[0]]] ?? '') + 'rep-' + r + '/' + line.slice(2) + '\\n';
    }
    for (const flag of Object.values(kinds)) if (args.includes(flag)) writeFileSync(args[args.indexOf(flag) + 1], texts[flag] ?? '');
    process.stderr.write(JSON.stringify({ level: 'warning', msg: matching + ' matching files' }) + '\\n');
  }
} else {
  process.stderr.write('replay: unexpected rclone ' + args.join(' ') + '\\n');
  process.exit(2);
}
process.stdout.write(buf);
`;

/** A 1,000-file tree (sizes and mtimes spread, 1% changed within a day), its copy, and real rclone's listing and check report of it. */
function recordTemplates(work) {
  const src = join(work, 'src');
  const dst = join(work, 'dst');
  const random = seededRandom(7);
  for (let i = 0; i < 1000; i++) {
    const dir = join(src, `album-${i % 20}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`);
    writeFileSync(file, Buffer.alloc(Math.floor(random() ** 3 * 20_000)));
    const mtime = (i % 100 === 0 ? NOW - random() * DAY : NOW - 30 * DAY - random() * 1000 * DAY) / 1000;
    utimesSync(file, mtime, mtime);
  }
  const run = (args) => {
    const r = spawnSync('rclone', args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`rclone ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  run(['copy', src, dst, '--config', '/dev/null']);
  const lsjson = run(['lsjson', '-R', '--files-only', '--no-mimetype', src, '--config', '/dev/null'])
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => l.replace(/,$/, ''));
  const check = run(['check', '--size-only', src, dst, '--combined', '-', '--config', '/dev/null']).split('\n').filter((l) => l.startsWith('= '));
  if (lsjson.length !== 1000 || check.length !== 1000) throw new Error(`recorded ${lsjson.length} listing lines and ${check.length} check lines`);
  return { lsjson, check };
}

/**
 * A ledger as a previous run left it: 90% of the files verified within the last 60 days,
 * in that run's listing order — rclone lists directories concurrently, so the order of
 * directories differs from this run's (here: reversed), a directory's files stay together.
 */
function writeLedger(file, templates, reps) {
  const random = seededRandom(99);
  const items = templates.lsjson.map((line) => JSON.parse(line));
  const dirOf = (path) => path.slice(0, path.lastIndexOf('/') + 1);
  const dirs = [...new Set(items.map((item) => dirOf(item.Path)))].reverse();
  const fd = openSync(file, 'w');
  for (let r = reps - 1; r >= 0; r--) {
    let text = '';
    for (const dir of dirs) {
      for (const item of items) {
        if (dirOf(item.Path) !== dir) continue;
        if (random() < 0.9) text += `${JSON.stringify({ path: `rep-${r}/${item.Path}`, size: item.Size, verified: NOW - Math.floor(random() * 60 * DAY) })}\n`;
      }
    }
    writeSync(fd, text);
  }
  closeSync(fd);
}

/** With `prepareOnly`: makes the tree, templates and first ledger in SCALE_VERIFY_WORK (once per size) and measures nothing. */
async function verifyChild(versions, prepareOnly = false) {
  const files = Math.ceil(versions / PER_FILE);
  const reps = Math.max(1, Math.round(files / 1000));
  // SCALE_VERIFY_WORK: a directory kept between runs (made once per size); the parent makes
  // one per bench run and prepares it in a child of its own, so a measured process has not
  // first built a million-line ledger (whose garbage and grown heap it would carry).
  const kept = process.env.SCALE_VERIFY_WORK ? join(process.env.SCALE_VERIFY_WORK, String(files)) : undefined;
  const work = kept ?? mkdtempSync(join(tmpdir(), 'scale-verify-'));
  try {
    const templateFile = join(work, 'templates.json');
    const replay = join(work, 'rclone-replay.mjs');
    const ledger = join(work, 'verify.ledger');
    const pristine = join(work, 'verify.ledger.first');
    if (!kept || !existsSync(pristine)) {
      mkdirSync(work, { recursive: true });
      const templates = recordTemplates(work);
      writeFileSync(templateFile, JSON.stringify(templates));
      writeLedger(pristine, templates, reps);
    }
    if (prepareOnly) return { prepared: work };
    writeFileSync(replay, REPLAY);
    chmodSync(replay, 0o755);
    copyFileSync(pristine, ledger);
    const { runVerify } = await import(join(backupDist, 'verify.js'));
    const { createContext } = await import(join(backupDist, 'context.js'));
    const { parseVerifyConditions } = await import(join(backupDist, 'verify-conditions.js'));
    // The nightly runner's batch size: each build's own default.
    const { BACKUP_DEFAULTS } = await import(join(backupDist, 'backup-defaults.js'));
    const io = {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      stderrIsTTY: false,
      env: { ...process.env, RCLONE: replay, REPLAY_TEMPLATES: templateFile, REPLAY_REPS: String(reps) },
      cwd: work,
    };
    const ctx = createContext(io, 0, undefined, [], () => NOW);
    // SCALE_VERIFY_TRACE=1: each verify phase with this process's CPU and page faults so far (stderr).
    if (process.env.SCALE_VERIFY_TRACE) {
      const origin = process.resourceUsage();
      ctx.trace = (phase) => {
        const u = process.resourceUsage();
        const ms = (u.userCPUTime + u.systemCPUTime - origin.userCPUTime - origin.systemCPUTime) / 1000;
        process.stderr.write(`verify trace: cpu ${ms.toFixed(0).padStart(5)} ms, faults ${String(u.minorPageFault - origin.minorPageFault).padStart(6)}, rss ${(u.maxRSS / 1024).toFixed(0)} MiB: ${phase}\n`);
      };
    }
    const config = { file: join(work, 'bench.conf'), name: 'bench', source: join(work, 'src'), destination: join(work, 'dst'), archiveSpecials: false, copyLinks: undefined, preCommand: undefined, requireMount: false, sentinel: undefined, excludeFrom: undefined, minFiles: undefined, maxDelete: [], filters: [], testFilters: [], warnings: [] };
    const before = process.resourceUsage();
    const started = performance.now();
    const summary = await runVerify(config, ctx, { conditions: parseVerifyConditions(['data=1%', 'age=1d']), mode: 'download', copyLinks: false, ledger, rotate: true, coverageWindowMs: 30 * DAY, seed: 1, batchSize: BACKUP_DEFAULTS.batchSize });
    const wall = (performance.now() - started) / 1000;
    const usage = process.resourceUsage();
    if (summary.total.files !== reps * 1000 || summary.failed !== 0 || summary.checked.files !== summary.selected.files) throw new Error(`unexpected verify summary ${JSON.stringify(summary).slice(0, 500)}`);
    const cpu = (usage.userCPUTime + usage.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1e6;
    const user = (usage.userCPUTime - before.userCPUTime) / 1e6;
    const faults = usage.minorPageFault - before.minorPageFault;
    const ledgerSha = createHash('sha256').update(readFileSync(ledger)).digest('hex');
    return { versions: summary.total.files, files: summary.total.files, selected: summary.selected.files, coverage: summary.coverage, wall, cpu, user, faults, rssMiB: usage.maxRSS / 1024, ledgerSha };
  } finally {
    if (!kept) rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the parent
if (process.argv[2] === '--child') {
  const [kind, versions] = [process.argv[3], Number(process.argv[4])];
  const result = kind === 'verify' || kind === 'verify-prepare' ? await verifyChild(versions, kind === 'verify-prepare') : await restoreChild(kind, versions);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const VERSIONS = Number(process.env.SCALE_VERSIONS ?? 10_000_000);
  const RUNS = Number(process.env.SCALE_RUNS ?? 1);
  const self = fileURLToPath(import.meta.url);
  const once = (kind, env = process.env) => {
    const p = spawnSync(process.execPath, [self, '--child', kind, String(VERSIONS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24, env });
    if (p.status !== 0) throw new Error(`${kind} child exited ${p.status}`);
    return JSON.parse(p.stdout.trim().split('\n').pop());
  };
  // The median run (by CPU for verify, whose figure is per CPU-second; by wall otherwise), with the highest peak.
  const median = (kind, runs) => {
    runs.sort((a, b) => (kind === 'verify' ? a.cpu - b.cpu : a.wall - b.wall));
    return { ...runs[Math.floor(runs.length / 2)], rssMiB: Math.max(...runs.map((r) => r.rssMiB)) };
  };
  const child = (kind) => median(kind, Array.from({ length: RUNS }, () => once(kind)));
  // verify's runs share one tree (SCALE_VERIFY_WORK, or a temporary one), prepared first in a child that is not measured.
  const withVerifyTree = (run) => {
    const shared = process.env.SCALE_VERIFY_WORK ?? mkdtempSync(join(tmpdir(), 'scale-verify-runs-'));
    const env = { ...process.env, SCALE_VERIFY_WORK: shared };
    try {
      once('verify-prepare', env);
      return run(env);
    } finally {
      if (!process.env.SCALE_VERIFY_WORK) rmSync(shared, { recursive: true, force: true });
    }
  };
  // SCALE_VERIFY_BASELINE=DIST: another build of rclone-backup (e.g. main's packages/rclone-backup/dist)
  // run interleaved with this one on the same tree: CPU ratio, and whether the ledgers written are identical.
  const verifyBaseline = process.env.SCALE_VERIFY_BASELINE;
  const verifyPairs = () => {
    const mine = [];
    const theirs = [];
    // One tree for both builds: rclone lists directories concurrently, so each recorded tree
    // has its own listing order, and the sample is drawn in listing order.
    withVerifyTree((env) => {
      for (let r = 0; r < RUNS; r++) {
        theirs.push(once('verify', { ...env, VERIFY_DIST: verifyBaseline }));
        mine.push(once('verify', env));
      }
    });
    const same = mine.every((m) => theirs.every((t) => t.ledgerSha === m.ledgerSha && t.selected === m.selected));
    return { verify: median('verify', mine), baseline: median('verify', theirs), same };
  };
  const only = process.env.SCALE_ONLY;
  const none = { versions: 1, files: 1, lines: 0, wall: 1e-9, cpu: 1e-9, rssMiB: 0, coverage: {} };
  const source = only && only !== 'restore' ? none : child('source');
  const restore = only && only !== 'restore' ? none : child('restore');
  const pairs = verifyBaseline && !(only && only !== 'verify') ? verifyPairs() : undefined;
  const verify = pairs ? pairs.verify : only && only !== 'verify' ? none : withVerifyTree((env) => median('verify', Array.from({ length: RUNS }, () => once('verify', env))));
  const f = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const verdict = (rate, rss) => (rate >= TARGET_RATE && rss <= TARGET_RSS_MIB ? 'met' : 'NOT met');
  // "Excluding network": restore's own CPU is the run's minus the source's (the lazy pages and
  // the lister, which stand in for B2); verify's rclone runs in the replay process, not counted.
  const restoreOwnCpu = Math.max(restore.cpu - source.cpu * (restore.versions / source.versions), 1e-9);
  const restoreRate = restore.versions / restoreOwnCpu;
  const verifyRate = verify.files / verify.cpu;
  console.log(`Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores); median of ${RUNS} run(s) per line.\n`);
  console.log('| measurement | items | wall s | CPU s | items/s by wall | items/s by own CPU | peak RSS | target ≥ 500,000/s, ≤ 1 GiB |');
  console.log('|---|---|---|---|---|---|---|---|');
  if (restore !== none) console.log(`| baseline: the source alone (lazy B2 pages through core's parallel lister) | ${f(source.versions)} versions | ${f(source.wall, 1)} | ${f(source.cpu, 1)} | ${f(source.versions / source.wall)} | ${f(source.versions / source.cpu)} | ${f(source.rssMiB)} MiB | reference |`);
  if (restore !== none) console.log(`| encrypted-restore --all --dry-run plan, ${f(restore.files)} files (source included) | ${f(restore.versions)} versions | ${f(restore.wall, 1)} | ${f(restore.cpu, 1)} | **${f(restore.versions / restore.wall)}** | ${f(restore.versions / restore.cpu)} | **${f(restore.rssMiB)} MiB** | wall with the source: ${verdict(restore.versions / restore.wall, restore.rssMiB)} |`);
  if (restore !== none) console.log(`| encrypted-restore plan, its own work (CPU minus the source's) | ${f(restore.versions)} versions | | ${f(restoreOwnCpu, 1)} | | **${f(restoreRate)}** | | ${verdict(restoreRate, restore.rssMiB)} |`);
  if (verify !== none) console.log(`| rclone-backup --verify data=1% age=1d --rotate, ledger (replayed rclone output) | ${f(verify.files)} files | ${f(verify.wall, 1)} | ${f(verify.cpu, 1)} | ${f(verify.files / verify.wall)} | **${f(verifyRate)}** | **${f(verify.rssMiB)} MiB** | ${verdict(verifyRate, verify.rssMiB)} (files/s; ${f(PER_FILE * verifyRate)} versions/s at ${PER_FILE} per file) |`);
  if (pairs) console.log(`| baseline (${verifyBaseline}), same tree, interleaved | ${f(pairs.baseline.files)} files | ${f(pairs.baseline.wall, 1)} | ${f(pairs.baseline.cpu, 1)} | ${f(pairs.baseline.files / pairs.baseline.wall)} | ${f(pairs.baseline.files / pairs.baseline.cpu)} | ${f(pairs.baseline.rssMiB)} MiB | CPU ratio this/baseline **${(verify.cpu / pairs.baseline.cpu).toFixed(3)}**; page faults ${f(verify.faults)} vs ${f(pairs.baseline.faults)}; ledger and sample ${pairs.same ? 'identical' : '**DIFFERENT**'} |`);
  if (verify !== none) console.log(`\nverify sampled ${f(verify.selected)} files; coverage ${verify.coverage.filesPercent}% of files, ${verify.coverage.bytesPercent}% of bytes. Wall times include waiting for the other process (replayed rclone) and this machine's load.`);
}
