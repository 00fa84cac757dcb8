// mongo-incremental-export against the in-suite MongoDB wire-protocol test server.
//
// BENCH_DOCS documents (default 200,000, ~250 bytes each) are put straight into the test
// server; the real bin then runs as a child process (timed, peak RSS measured):
//   1. first export into an empty directory;
//   2. unchanged re-run (BENCH_RUNS times, default 2, median) — must write no document file;
//   3. re-run after BENCH_CHANGED_PCT % (default 1) of the documents were modified.
// Baseline in the same run: the naive nightly export that rewrites every document file
// (same tree layout, same driver, same write concurrency), BENCH_RUNS times (default 2), median.
// Files written are counted independently of the tool: files whose mtime moved.
//
// Smoke run: BENCH_DOCS=5000 BENCH_RUNS=1 pnpm bench mongo-incremental-export
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages/mongo-incremental-export');
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const DOCS = env('BENCH_DOCS', 200_000);
const RUNS = env('BENCH_RUNS', 2);
const CHANGED_PCT = env('BENCH_CHANGED_PCT', 1);

// The wire server lives in the test suite as TypeScript; transpile it next to the package's
// dist so that its `mongodb` import resolves from the package.
const helperDir = join(pkg, 'dist/bench-helpers');
await mkdir(helperDir, { recursive: true });
const source = await readFile(join(pkg, 'test/helpers/wire-server.ts'), 'utf8');
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
await writeFile(join(helperDir, 'wire-server.js'), js);
const { startWireServer } = await import(pathToFileURL(join(helperDir, 'wire-server.js')).href);
const { BSON, ObjectId, Int32 } = await import(pathToFileURL(join(pkg, 'node_modules/mongodb/lib/index.js')).href);

// The naive baseline: stream every document and rewrite its file, as a non-incremental export would.
await writeFile(
  join(helperDir, 'naive-export.js'),
  `import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';
import { documentPath, findId, idKey } from '../index.js';
const [url, dir] = process.argv.slice(2);
const client = new MongoClient(url);
await client.connect();
const made = new Set();
let batch = [];
const flush = async () => {
  await Promise.all(batch.map(async (doc) => {
    const path = join(dir, documentPath(idKey(doc, findId(doc))));
    if (!made.has(dirname(path))) { await mkdir(dirname(path), { recursive: true }); made.add(dirname(path)); }
    await writeFile(path, doc);
  }));
  batch = [];
};
for await (const doc of client.db(new URL(url).pathname.slice(1)).collection('people').find({}, { raw: true })) {
  batch.push(doc);
  if (batch.length >= 256) await flush();
}
await flush();
await client.close();
`,
);

const work = await mkdtemp(join(tmpdir(), 'bench-mongo-'));
const preload = join(work, 'maxrss.mjs');
// VmHWM: the child's own peak RSS (getrusage's maxRSS would include this process's RSS
// from before exec, and this process holds every document in the test server).
await writeFile(
  preload,
  "import { readFileSync } from 'node:fs';\nprocess.on('exit', () => process.stderr.write(`\\nVMHWM ${/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]}\\n`));\n",
);

function run(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    execFile(process.execPath, ['--import', preload, ...args], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (error) reject(new Error(`${args.join(' ')} failed: ${stderr.slice(-2000)}`));
      else resolve({ seconds, maxRssMiB: Number(/VMHWM (\d+)/.exec(stderr)?.[1] ?? 0) / 1024 });
    });
  });
}

/** Document files below dir and how many changed mtime since `since` (ms). */
async function scan(dir, since) {
  let files = 0;
  let written = 0;
  const visit = async (d) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (entry.name.endsWith('.bson')) {
        files += 1;
        if ((await stat(path)).mtimeMs >= since) written += 1;
      }
    }
  };
  await visit(dir).catch(() => undefined);
  return { files, written };
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const person = (i, version) =>
  Buffer.from(BSON.serialize({
    _id: ObjectId.createFromTime(1_700_000_000 + i),
    name: `Person number ${i}`,
    email: `person${i}@example.org`,
    age: new Int32(18 + (i % 70)),
    tags: ['alpha', 'beta', `t${i % 97}`],
    address: { street: `${i} Long Street`, city: 'Springfield', zip: String(10000 + (i % 90000)) },
    created: new Date(1_700_000_000_000 + i * 1000),
    version: new Int32(version),
    notes: 'x'.repeat(60),
  }));

const server = await startWireServer();
const dbName = 'bench';
const url = server.url(dbName);
for (let i = 0; i < DOCS; i += 10_000) {
  server.insertRaw(dbName, 'people', Array.from({ length: Math.min(10_000, DOCS - i) }, (_, k) => person(i + k, 0)));
}
const bin = join(pkg, 'bin/mongo-incremental-export.js');
const out = join(work, 'tool');
const collDir = join(out, dbName, 'people');
const rows = [];
const measure = async (label, args, dir) => {
  await new Promise((resolve) => setTimeout(resolve, 20)); // mtime granularity
  const since = Date.now();
  const result = await run(args);
  const { files, written } = await scan(dir, since);
  return { label, ...result, files, written };
};

try {
  const first = await measure('first export', [bin, '--out', out, url], collDir);
  if (first.files !== DOCS) throw new Error(`expected ${DOCS} files, found ${first.files}`);
  rows.push(first);

  const unchanged = [];
  for (let r = 0; r < RUNS; r += 1) unchanged.push(await measure('unchanged re-run', [bin, '--out', out, url], collDir));
  if (unchanged.some((u) => u.written !== 0)) throw new Error('an unchanged re-run wrote document files');

  const changedCount = Math.round((DOCS * CHANGED_PCT) / 100);
  const step = Math.max(1, Math.floor(DOCS / Math.max(1, changedCount)));
  const changedDocs = [];
  for (let i = 0; i < DOCS && changedDocs.length < changedCount; i += step) changedDocs.push(person(i, 1));
  server.insertRaw(dbName, 'people', changedDocs);
  const changed = await measure(`re-run, ${CHANGED_PCT}% modified`, [bin, '--out', out, url], collDir);
  if (changed.written !== changedDocs.length) throw new Error(`expected ${changedDocs.length} rewritten files, saw ${changed.written}`);

  const naive = [];
  for (let r = 0; r < RUNS; r += 1) {
    naive.push(await measure('naive: rewrite every file', [join(helperDir, 'naive-export.js'), url, join(work, 'naive')], join(work, 'naive')));
  }

  const pick = (runs) => ({ ...runs[0], seconds: median(runs.map((r) => r.seconds)), maxRssMiB: median(runs.map((r) => r.maxRssMiB)), written: Math.max(...runs.map((r) => r.written)) });
  const un = pick(unchanged);
  const nv = pick(naive);
  const lines = [
    `mongo-incremental-export, ${fmt(DOCS)} documents (~${person(1, 0).length} B each), wire-protocol test server, ${new Date().toISOString().slice(0, 10)}; medians of ${RUNS} runs where repeated`,
    '',
    '| run | seconds | documents/s | document files written | peak RSS (VmHWM) MiB |',
    '|---|---:|---:|---:|---:|',
    ...[first, un, changed, nv].map((r) => `| ${r.label} | ${fmt(r.seconds, 2)} | ${fmt(DOCS / r.seconds)} | ${fmt(r.written)} | ${fmt(r.maxRssMiB)} |`),
    '',
    `Unchanged re-run vs naive rewrite-everything: ${fmt(nv.seconds / un.seconds, 2)}× faster, ${fmt(un.written)} vs ${fmt(nv.written)} files written.`,
    `First export vs naive: ${fmt(first.seconds / nv.seconds, 2)}× the time (it also checks for existing files and writes the checksums file).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await server.close();
  await rm(work, { recursive: true, force: true });
}
