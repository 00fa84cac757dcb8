#!/usr/bin/env node
// Issue 14, target 5: encrypted-du and b2-prune over 10,000,000 versions of 1,000,000 files
// (1,000 files per directory, 10 versions each, every tenth file deleted), "excluding
// network": each tool's main() runs in its own process over an in-process synthetic bucket
// (bench/lazy-b2.mjs) whose listing pages are made on demand from names encrypted by core's
// crypt cipher. Prints versions/s (wall and per CPU second) and peak RSS per tool, and
// met / NOT met against ≥ 500,000 versions/s and ≤ 1 GiB. The source alone (listing every
// page, no tool) is measured too: it is part of every tool's figures (its name arena ~40 MB).
// The sha1 of each tool's stdout lets runs before and after a change be compared.
// Smaller: SCALE_VERSIONS=1000000 pnpm bench scale; SCALE_TOOLS=du,prune picks runs;
// SCALE_CPU_PROF=DIR writes each run's CPU profile (node --cpu-prof) there; SCALE_DU_ARGS='--list-chunk 1000'
// adds options to every encrypted-du run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildNames, LazyBucket, NOW } from './lazy-b2.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const VERSIONS = Number(env.SCALE_VERSIONS ?? 10_000_000);
const PER_FILE = 10;
const PER_DIR = 1000;
const FILES = Math.ceil(VERSIONS / PER_FILE);
const TARGET_RATE = 500_000;
const TARGET_RSS = 1024 * 1024 * 1024;
const core = await import(pathToFileURL(join(here, '../packages/core/dist/index.js')).href);
const { plainSize } = await import(pathToFileURL(join(here, '../packages/core/dist/crypt/content.js')).href);
const { namesStoredOnB2 } = await import(pathToFileURL(join(here, '../packages/core/dist/names/stored-on-b2.js')).href);
const namesFile = join(tmpdir(), `scale-bench-names-${FILES}-${PER_DIR}.bin`);

const TOOLS = {
  source: { label: 'source alone: every page listed, one cursor (no tool)' },
  du: { label: 'encrypted-du (text summary of every version)', argv: ['secret:'] },
  'du-ls': { label: 'encrypted-du --ls', argv: ['--ls', 'secret:'] },
  'du-top': { label: 'encrypted-du --depth 2 --top 40', argv: ['--depth', '2', '--top', '40', 'secret:'] },
  prune: { label: 'b2-prune --dry-run (default policy)', argv: ['--dry-run', 'secret:'] },
};

/** The crypt remote's name cipher, as the tools get it (directory cache on). */
async function keysAndNames() {
  const keys = await core.deriveKeys('scale bench password', 'scale bench salt');
  return core.createNameCipher(keys);
}

async function child(tool) {
  const bucket = new LazyBucket(namesFile, PER_FILE);
  const client = bucket.client(core.encryptedSize);
  const names = namesStoredOnB2(await keysAndNames());
  const cryptBucket = { client, bucketId: 'lazy', prefix: '', names };
  const hash = createHash('sha1');
  let bytes = 0;
  let shown = '';
  const stdout = new Writable({
    write(chunk, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      if (shown.length < 2048) shown += chunk;
      done();
    },
  });
  let errors = '';
  const stderr = new Writable({
    write(chunk, _enc, done) {
      errors += chunk;
      done();
    },
  });
  const io = { stdin: process.stdin, stdout, stderr, env: { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' }, cwd: process.cwd(), stderrIsTTY: false };
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let status = 0;
  if (tool === 'source') {
    let n = 0;
    for await (const v of client.listFileVersions('lazy', { pageSize: 1000 })) n += v.contentLength > 0 ? 1 : 1;
    hash.update(String(n));
  } else if (tool === 'prune') {
    const { main } = await import(pathToFileURL(join(here, '../packages/b2-prune/dist/index.js')).href);
    status = await main(TOOLS[tool].argv, io, { openBucket: async () => ({ remote: { secrets: [] }, bucket: cryptBucket }), clock: () => NOW });
  } else {
    const { main } = await import(pathToFileURL(join(here, '../packages/encrypted-du/dist/main.js')).href);
    status = await main([...(env.SCALE_DU_ARGS ?? '').split(' ').filter(Boolean), ...TOOLS[tool].argv], io, { openBucket: async () => ({ bucket: cryptBucket, plainSize: (n) => plainSize(n) }) });
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const result = {
    tool,
    status,
    seconds,
    cpu: (cpu.user + cpu.system) / 1e6,
    rss: process.resourceUsage().maxRSS * 1024,
    rssBefore,
    bytes,
    sha1: hash.digest('hex'),
    calls: client.transactions.C,
    errors: errors.slice(0, 500),
    output: bytes < 2048 ? shown : undefined,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

const mode = process.argv[2];
if (mode === '--child') {
  await child(process.argv[3]);
} else {
  const wanted = (env.SCALE_TOOLS ?? 'source,du,du-ls,prune').split(',');
  const t = performance.now();
  buildNames(core, await keysAndNames(), FILES, PER_DIR, namesFile);
  const built = (performance.now() - t) / 1000;
  const mib = (b) => (b / 1024 / 1024).toFixed(0);
  const rate = (n) => Math.round(n).toLocaleString('en-US');
  console.log(
    `${VERSIONS.toLocaleString('en-US')} versions, ${FILES.toLocaleString('en-US')} files (${PER_DIR} per directory, ${PER_FILE} versions each); names ${built > 0.5 ? `encrypted in ${built.toFixed(1)} s` : 'from cache'} (${namesFile}); load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
  );
  console.log('| run | seconds | CPU s | versions/s | versions per CPU-s | peak RSS MiB (before run) | list calls | stdout sha1 | target |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|---|');
  let failed = false;
  for (const tool of wanted) {
    const run = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        ...(env.SCALE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${env.SCALE_CPU_PROF}`, `--cpu-prof-name=${tool}.cpuprofile`] : []),
        fileURLToPath(import.meta.url),
        '--child',
        tool,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    if (run.status !== 0) {
      console.log(`| ${TOOLS[tool]?.label ?? tool} | failed (${run.status}) ${run.stderr.split('\n').slice(-6).join(' ')} |`);
      failed = true;
      continue;
    }
    const r = JSON.parse(run.stdout.trim().split('\n').pop());
    const perSecond = VERSIONS / r.seconds;
    const met =
      tool === 'source'
        ? '–'
        : perSecond >= TARGET_RATE && r.rss <= TARGET_RSS
          ? 'met'
          : `NOT met (${perSecond < TARGET_RATE ? 'rate' : ''}${perSecond < TARGET_RATE && r.rss > TARGET_RSS ? ', ' : ''}${r.rss > TARGET_RSS ? 'RSS' : ''})`;
    console.log(
      `| ${TOOLS[tool].label} | ${r.seconds.toFixed(2)} | ${r.cpu.toFixed(2)} | ${rate(perSecond)} | ${rate(VERSIONS / r.cpu)} | ${mib(r.rss)} (${mib(r.rssBefore)}) | ${r.calls} | ${r.sha1.slice(0, 12)} (${r.bytes} B) | ${met} |`,
    );
    if (r.output !== undefined && env.SCALE_SHOW_OUTPUT) console.log(`\n\`\`\`\n${r.output}\`\`\`\n`);
    if (r.status !== 0) console.log(`|   exit ${r.status}: ${r.errors.replace(/\n/g, ' ')} |`);
  }
  console.log(
    `\nTarget (issue 14, 5): ≥ ${rate(TARGET_RATE)} versions/s and peak RSS ≤ 1 GiB per tool; load average at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}.`,
  );
  process.exitCode = failed ? 1 : 0;
}
