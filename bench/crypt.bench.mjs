#!/usr/bin/env node
// rclone crypt in core vs the real rclone 1.60.1, same run, same machine:
//  1. names decrypted per second (single thread): core's tryDecryptPath (one by one) and
//     tryDecryptPaths (pages of 1,000) vs `rclone backend decode c: NAME…` with 1,000 names per
//     process (the original scripts' method; cryptdecode takes at most 10 names in 1.60.1);
//  2. content decryption of a BENCH_CRYPT_MB (default 256) MB file: core's decryptStream in a
//     child process (peak RSS measured there), in-thread and with 2 workers, vs `rclone cat`.
// Smaller smoke run: BENCH_CRYPT_MB=16 BENCH_CRYPT_NAMES=50000 BENCH_CRYPT_RCLONE_NAMES=5000 pnpm bench crypt
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const coreUrl = new URL('../packages/core/dist/index.js', import.meta.url).href;
const core = await import(coreUrl);

const MB = Number(process.env.BENCH_CRYPT_MB ?? 256);
const NAMES = Number(process.env.BENCH_CRYPT_NAMES ?? 300_000);
const RCLONE_NAMES = Number(process.env.BENCH_CRYPT_RCLONE_NAMES ?? 20_000);
const RUNS = Number(process.env.BENCH_CRYPT_RUNS ?? 3);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const work = mkdtempSync(join(tmpdir(), 'crypt-bench-'));
const store = join(work, 'store');
mkdirSync(store);
const configPath = join(work, 'rclone.conf');
writeFileSync(
  configPath,
  `[c]\ntype = crypt\nremote = ${store}\npassword = ${core.obscure('bench password')}\npassword2 = ${core.obscure('bench salt')}\n`,
);
const rcloneEnv = { PATH: process.env.PATH, HOME: work };
const rclone = (args, options = {}) =>
  spawnSync('rclone', ['--config', configPath, ...args], { env: rcloneEnv, maxBuffer: 1 << 28, ...options });

try {
  const remote = await core.openCryptRemote({ configPath, env: {} });

  // ---- names ----
  const plains = [];
  for (let i = 0; i < NAMES; i++) {
    plains.push(`photos/${2000 + (i % 25)}/album ${i % 900}/IMG_${String(i).padStart(7, '0')} holiday.jpg`);
  }
  const encrypted = plains.map((p) => remote.names.encryptPath(p));

  const single = [];
  const batch = [];
  for (let r = -1; r < RUNS; r++) {
    if (r === 0) {
      single.length = 0; // run -1 was the JIT warm-up
      batch.length = 0;
    }
    let names = core.createNameCipher(remote.keys, remote.settings);
    let t = performance.now();
    let ok = 0;
    for (const e of encrypted) if (names.tryDecryptPath(e).ok) ok++;
    single.push(NAMES / ((performance.now() - t) / 1000));
    if (ok !== NAMES) throw new Error('single decrypt failed');
    names = core.createNameCipher(remote.keys, remote.settings);
    t = performance.now();
    ok = 0;
    for (let i = 0; i < NAMES; i += 1000) for (const res of names.tryDecryptPaths(encrypted.slice(i, i + 1000))) if (res.ok) ok++;
    batch.push(NAMES / ((performance.now() - t) / 1000));
    if (ok !== NAMES) throw new Error('batch decrypt failed');
  }

  const sample = encrypted.slice(0, RCLONE_NAMES);
  const t0 = performance.now();
  const decoded = [];
  for (let i = 0; i < sample.length; i += 1000) {
    const res = rclone(['backend', 'decode', 'c:', '--', ...sample.slice(i, i + 1000)]);
    if (res.status !== 0) throw new Error(`rclone backend decode failed: ${res.stderr}`);
    decoded.push(...res.stdout.toString().split('\n').slice(0, -1));
  }
  const rcloneRate = sample.length / ((performance.now() - t0) / 1000);
  if (decoded.join('\n') !== plains.slice(0, RCLONE_NAMES).join('\n')) throw new Error('rclone and core disagree on names');

  // ---- contents ----
  const plainFile = join(work, 'plain.bin');
  const name = 'big/file.bin';
  const encFile = join(store, remote.names.encryptPath(name));
  mkdirSync(dirname(encFile), { recursive: true });
  const hash = createHash('sha256');
  async function* source() {
    for (let i = 0; i < MB; i++) {
      const chunk = randomBytes(1 << 20);
      hash.update(chunk);
      yield chunk;
    }
  }
  const plainOut = createWriteStream(plainFile);
  const gen = Readable.from(source());
  gen.pipe(plainOut);
  await pipeline(gen, remote.content.encryptStream(), createWriteStream(encFile));
  const plainSha = hash.digest('hex');
  rmSync(plainFile, { force: true });

  const child = (workers) => `
    import { createReadStream, readFileSync } from 'node:fs';
    import { Writable } from 'node:stream';
    import { pipeline } from 'node:stream/promises';
    import { createHash } from 'node:crypto';
    const core = await import(${JSON.stringify(coreUrl)});
    const remote = await core.openCryptRemote({ configPath: ${JSON.stringify(configPath)}, env: {}, contentWorkers: ${workers} });
    const hash = createHash('sha256');
    const verify = process.argv.includes('verify');
    const t = performance.now();
    await pipeline(createReadStream(${JSON.stringify(encFile)}, { highWaterMark: 1 << 20 }), remote.content.decryptStream('file.bin'),
      new Writable({ write(c, _e, cb) { if (verify) hash.update(c); cb(); } }));
    const seconds = (performance.now() - t) / 1000;
    await remote.content.close();
    // VmHWM, not getrusage's maxRSS: that one keeps the parent's peak across fork+exec
    const hwm = Number(/VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
    process.stdout.write(JSON.stringify({ seconds, maxRssMiB: hwm / 1024, sha: verify ? hash.digest('hex') : '' }));
  `;
  const runChild = (workers, verify = false) => {
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', child(workers), ...(verify ? ['verify'] : [])], { maxBuffer: 1 << 20 });
    if (res.status !== 0) throw new Error(`decrypt child failed: ${res.stderr}`);
    return JSON.parse(res.stdout.toString());
  };
  if (runChild(0, true).sha !== plainSha) throw new Error('core decrypted content differs');
  const rcloneSha = createHash('sha256').update(rclone(['cat', `c:${name}`], { maxBuffer: (MB + 1) << 20 }).stdout).digest('hex');
  if (rcloneSha !== plainSha) throw new Error('rclone cat differs from the original');

  const content = { 0: [], 2: [] };
  const rss = { 0: [], 2: [] };
  const rcloneCat = [];
  const rcloneRss = [];
  for (let r = 0; r < RUNS; r++) {
    for (const w of [0, 2]) {
      const res = runChild(w);
      content[w].push(MB / res.seconds);
      rss[w].push(res.maxRssMiB);
    }
    const t = performance.now();
    const res = spawnSync('/usr/bin/time', ['-v', 'rclone', '--config', configPath, 'cat', `c:${name}`], {
      env: rcloneEnv,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (res.status !== 0) throw new Error(`rclone cat failed: ${res.stderr}`);
    rcloneCat.push(MB / ((performance.now() - t) / 1000));
    rcloneRss.push(Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr.toString())[1]) / 1024);
  }

  const mSingle = median(single);
  const mBatch = median(batch);
  const lines = [
    `crypt bench, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${RUNS} runs (medians)`,
    '',
    '| names (4 segments, directories repeat) | names/s | vs rclone |',
    '|---|---:|---:|',
    `| core tryDecryptPath, one by one | ${fmt(mSingle)} | ${(mSingle / rcloneRate).toFixed(0)}× |`,
    `| core tryDecryptPaths, pages of 1,000 | ${fmt(mBatch)} | ${(mBatch / rcloneRate).toFixed(0)}× |`,
    `| rclone backend decode, 1,000 names per process (${fmt(RCLONE_NAMES)} names) | ${fmt(rcloneRate)} | 1× |`,
    '',
    `| content decryption, ${MB} MB | MB/s | peak RSS MiB |`,
    '|---|---:|---:|',
    `| core decryptStream, in-thread | ${median(content[0]).toFixed(0)} | ${median(rss[0]).toFixed(0)} |`,
    `| core decryptStream, 2 workers | ${median(content[2]).toFixed(0)} | ${median(rss[2]).toFixed(0)} |`,
    `| rclone cat (to /dev/null) | ${median(rcloneCat).toFixed(0)} | ${median(rcloneRss).toFixed(0)} |`,
    '',
    `targets: names ≥ 200,000/s and ≥ 30× rclone; content ≥ 150 MB/s, constant memory. Load average at end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
