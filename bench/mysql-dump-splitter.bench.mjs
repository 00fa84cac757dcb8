#!/usr/bin/env node
// mysql-dump-splitter benchmark: throughput and peak RSS of the built tool (a subprocess,
// measured with GNU time) on a generated mysqldump of BENCH_SIZE_MB (default 1024) in both
// INSERT styles; then the bytes rewritten after a one-row change, next to what the original
// tool's fixed 30 MB cutting would rewrite (simulated in-process, same input).
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const work = join(here, '.work', 'mysql-dump-splitter');
const bin = join(here, '..', 'packages', 'mysql-dump-splitter', 'bin', 'mysql-dump-splitter.js');
const sizeMB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const MB = 1024 * 1024;
const CHANGED_ID = Math.floor((sizeMB * MB) / 140 / 2);
mkdirSync(work, { recursive: true });

// ---------- synthetic mysqldump ----------
const NAMES = ['Alice', 'Bob', 'Zoë', 'José', '李雷', "O\\'Brien", 'Émilie', 'Dmitri'];
const STATUS = ['new', 'paid', 'shipped', 'cancelled'];
const XS = Array.from({ length: 97 }, (_, i) => 'x'.repeat(i));
const pad = (n) => (n < 10 ? `0${n}` : `${n}`);
// 9973 precomputed row tails (a prime, so tails do not line up with anything), varied by id
const TAILS = Array.from({ length: 9973 }, (_, k) => {
  const ts = `20${pad(20 + (k % 6))}-${pad(1 + (k % 12))}-${pad(1 + (k % 28))} ${pad(k % 24)}:${pad(k % 60)}:${pad((k * 7) % 60)}`;
  return `,'${NAMES[k % NAMES.length]}','${ts}',${((k * 31) % 100000) / 100},'${STATUS[k % 4]}','${XS[k % 97]}\\n',NULL)`;
});
function orderRow(id, changed = false) {
  const tail = TAILS[id % TAILS.length];
  return changed ? `(${id},${(id * 7919) % 100000}${tail.replace("'x", "'this row was changed, and is now longer than before x")}` : `(${id},${(id * 7919) % 100000}${tail}`;
}
function header() {
  return `/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost    Database: shop\n-- ------------------------------------------------------\n-- Server version\t10.11.19-MariaDB-0+deb12u1\n\n/*!40101 SET NAMES utf8mb4 */;\n/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n/*!40103 SET TIME_ZONE='+00:00' */;\n`;
}
function tableStart(name) {
  return `\n--\n-- Table structure for table \`${name}\`\n--\n\nDROP TABLE IF EXISTS \`${name}\`;\nCREATE TABLE \`${name}\` (\n  \`id\` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (\`id\`)\n) ENGINE=InnoDB;\n\n--\n-- Dumping data for table \`${name}\`\n--\n\nLOCK TABLES \`${name}\` WRITE;\n/*!40000 ALTER TABLE \`${name}\` DISABLE KEYS */;\n`;
}
function tableEnd(name) {
  return `/*!40000 ALTER TABLE \`${name}\` ENABLE KEYS */;\nUNLOCK TABLES;\n`;
}
const FOOTER = `/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n\n/*!40101 SET NAMES utf8 */;\n\n-- Dump completed on 2026-01-01 10:00:00\n`;

/** Writes the dump; extended style imitates mysqldump (MariaDB 10.11): ~1 MB statements, one row per line. */
function generate(file, style, mode = 'none') {
  if (existsSync(file)) return statSync(file).size;
  const fd = openSync(`${file}.part`, 'w');
  const BLOCK = 8 * MB;
  let block = Buffer.allocUnsafe(BLOCK + 64 * 1024);
  let pos = 0;
  let total = 0;
  const flush = () => {
    writeSync(fd, block, 0, pos);
    total += pos;
    pos = 0;
  };
  const put = (text) => {
    if (pos + text.length * 3 > block.length) flush();
    if (text.length * 3 > block.length) block = Buffer.allocUnsafe(text.length * 3 + 1024);
    pos += block.write(text, pos);
  };
  const tailBufs = TAILS.map((t) => Buffer.from(t));
  const skipPrefix = Buffer.from('INSERT INTO `orders` VALUES (');
  const putBuf = (buf) => {
    buf.copy(block, pos);
    pos += buf.length;
  };
  // the hot loop: copies precomputed bytes, writes two numbers
  const putRow = (id, changed) => {
    if (changed) return put(orderRow(id, true));
    block[pos++] = 0x28;
    pos += block.write(String(id), pos, 'latin1');
    block[pos++] = 0x2c;
    pos += block.write(String((id * 7919) % 100000), pos, 'latin1');
    putBuf(tailBufs[id % tailBufs.length]);
  };
  put(header());
  for (const small of ['customers', 'products']) {
    put(tableStart(small));
    for (let id = 1; id <= 2000; id += 1) put(`INSERT INTO \`${small}\` VALUES ${orderRow(id)};\n`);
    put(tableEnd(small));
  }
  put(tableStart('orders'));
  const target = sizeMB * MB;
  let statementStart = -1;
  let statementBytes = 0;
  for (let id = 1; total + pos < target; id += 1) {
    const rows = id !== CHANGED_ID ? [[id, false]] : mode === 'change' ? [[id, true]] : mode === 'insert' ? [[9_000_000_001, false], [id, false]] : [[id, false]];
    for (const [rowId, changed] of rows) {
      if (pos > BLOCK) flush();
      const before = pos;
      if (style === 'skip') {
        putBuf(skipPrefix);
        pos -= 1; // putRow writes the '('
        putRow(rowId, changed);
        block[pos++] = 0x3b;
        block[pos++] = 0x0a;
      } else {
        // like mysqldump: a new statement once net_buffer_length (1 MB) is reached
        if (statementStart < 0) {
          put('INSERT INTO `orders` VALUES\n');
          statementStart = 0;
          statementBytes = 0;
        } else {
          block[pos++] = 0x2c;
          block[pos++] = 0x0a;
        }
        putRow(rowId, changed);
        statementBytes += pos - before;
        if (statementBytes > 1_000_000) {
          block[pos++] = 0x3b;
          block[pos++] = 0x0a;
          statementStart = -1;
        }
      }
    }
  }
  if (style !== 'skip' && statementStart >= 0) put(';\n');
  put(tableEnd('orders'));
  put(FOOTER);
  flush();
  closeSync(fd);
  spawnSync('mv', [`${file}.part`, file]);
  return total;
}

// ---------- measurement ----------
function runTool(args) {
  const result = spawnSync('/usr/bin/time', ['-f', '%M %e', process.execPath, bin, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tool failed: ${result.stderr}`);
  const [rssKB, seconds] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { rssMB: rssKB / 1024, seconds };
}
function snapshot(dir) {
  const map = new Map();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.sql')) continue;
    const st = statSync(join(dir, name));
    map.set(name, { sig: `${st.ino}:${st.mtimeMs}`, size: st.size });
  }
  return map;
}
function rewrittenBytes(before, after) {
  let bytes = 0;
  let pieces = 0;
  for (const [name, { sig, size }] of after) {
    if (before.get(name)?.sig !== sig) {
      bytes += size;
      pieces += 1;
    }
  }
  return { bytes, pieces };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The original tool: a file per table, big tables cut after the line that passes every 30 MB; names are global sequence numbers. */
async function fixedCutPieces(file) {
  const HEADER = Buffer.from('\n-- Table structure for table');
  const pieces = [];
  let hash = createHash('sha256');
  let size = 0;
  let carry = Buffer.alloc(0);
  const close = () => {
    if (size > 0) pieces.push({ hash: hash.digest('hex'), size });
    hash = createHash('sha256');
    size = 0;
  };
  const take = (buf, from, to) => {
    hash.update(buf.subarray(from, to));
    size += to - from;
  };
  const consume = (buf) => {
    let pos = 0;
    while (pos < buf.length) {
      const header = buf.indexOf(HEADER, pos);
      const headerStart = header >= 0 ? header + 1 : buf.length;
      const room = 30 * MB - size;
      if (headerStart - pos <= room) {
        take(buf, pos, headerStart);
        if (header >= 0) close();
        pos = headerStart;
      } else {
        const nl = buf.indexOf(10, pos + room - 1);
        const end = nl >= 0 && nl < headerStart ? nl + 1 : headerStart;
        take(buf, pos, end);
        if (end !== headerStart) close();
        pos = end;
      }
    }
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MB })) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const last = buf.lastIndexOf(10);
    carry = Buffer.from(buf.subarray(last + 1));
    consume(buf.subarray(0, last + 1));
  }
  if (carry.length) consume(carry);
  close();
  return pieces;
}
function fixedRewritten(a, b) {
  let bytes = 0;
  let pieces = 0;
  b.forEach((piece, i) => {
    if (a[i]?.hash !== piece.hash) {
      bytes += piece.size;
      pieces += 1;
    }
  });
  return { bytes, pieces };
}

// ---------- run ----------
const t0 = Date.now();
const files = {};
for (const style of ['skip', 'ext']) {
  files[style] = join(work, `${style}-${sizeMB}.sql`);
  generate(files[style], style);
  for (const mode of ['change', 'insert']) {
    files[`${style}-${mode}`] = join(work, `${style}-${sizeMB}-${mode}.sql`);
    generate(files[`${style}-${mode}`], style, mode);
  }
}
const inputMB = statSync(files.skip).size / MB;
process.stderr.write(`generated ${(statSync(files.skip).size / MB).toFixed(0)} MB + ${(statSync(files.ext).size / MB).toFixed(0)} MB dumps in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

const rows = [];
const measure = (label, file, args, fresh, repeat = 1) => {
  const dir = join(work, `out-${label.replace(/, .*/, '').replace(/\W+/g, '-')}`);
  const results = [];
  for (let i = 0; i < repeat; i += 1) {
    if (fresh) rmSync(dir, { recursive: true, force: true });
    results.push(runTool(['--out', dir, ...args, file]));
  }
  const mb = statSync(file).size / MB;
  const seconds = median(results.map((r) => r.seconds));
  rows.push({ label, mbps: mb / seconds, rss: Math.max(...results.map((r) => r.rssMB)), seconds });
  return dir;
};

// baseline: raw sequential read of the same file (cat > /dev/null)
{
  const start = process.hrtime.bigint();
  spawnSync('cat', [files.skip], { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rows.push({ label: 'baseline: cat > /dev/null', mbps: inputMB / seconds, rss: NaN, seconds });
}
const skipDir = measure('skip-extended-insert, first run (writes all)', files.skip, [], true);
measure('skip-extended-insert, unchanged re-run', files.skip, [], false, 3);
const extDir = measure('extended, first run', files.ext, [], true);
const regroupDir = measure('extended --regroup, first run', files.ext, ['--regroup'], true);
measure('extended --regroup, unchanged re-run', files.ext, ['--regroup'], false, 3);

// one-row change / insertion in the middle of the big table
const changes = [];
const fixedCache = new Map();
const fixed = async (file) => {
  if (!fixedCache.has(file)) fixedCache.set(file, await fixedCutPieces(file));
  return fixedCache.get(file);
};
for (const mode of ['change', 'insert']) {
  for (const [input, method, dir, style, args] of [
    ['--skip-extended-insert', 'mysql-dump-splitter', skipDir, 'skip', []],
    ['extended', 'mysql-dump-splitter (no --regroup)', extDir, 'ext', []],
    ['extended', 'mysql-dump-splitter --regroup', regroupDir, 'ext', ['--regroup']],
  ]) {
    // start each measurement from the unchanged dump
    runTool(['--out', dir, ...args, files[style]]);
    const before = snapshot(dir);
    runTool(['--out', dir, ...args, files[`${style}-${mode}`]]);
    changes.push({ mode, input, method, ...rewrittenBytes(before, snapshot(dir)) });
  }
  for (const [input, style] of [['--skip-extended-insert', 'skip'], ['extended', 'ext']]) {
    changes.push({ mode, input, method: 'fixed 30 MB cuts (original tool, simulated)', ...fixedRewritten(await fixed(files[style]), await fixed(files[`${style}-${mode}`])) });
  }
}

const fmt = (n) => (Number.isNaN(n) ? '–' : n.toFixed(0));
const out = [];
out.push(`mysql-dump-splitter, ${new Date().toISOString().slice(0, 10)}, input ${inputMB.toFixed(0)} MB per dump, default --piece-size 4M, Node ${process.versions.node}, load average at the end ${loadavg()[0].toFixed(1)} (2 cores)`);
out.push('');
out.push('| run | MB/s | peak RSS MB | seconds |');
out.push('|---|---:|---:|---:|');
for (const r of rows) out.push(`| ${r.label} | ${fmt(r.mbps)} | ${fmt(r.rss)} | ${r.seconds.toFixed(1)} |`);
out.push('');
out.push(`One row in the middle of the big table (id ${CHANGED_ID}) made longer ("change"), or one row inserted before it ("insert"):`);
out.push('');
out.push('| edit | input | method | pieces rewritten | bytes rewritten |');
out.push('|---|---|---|---:|---:|');
const mbs = (b) => `${(b / MB).toFixed(1)} MB`;
for (const c of changes) out.push(`| ${c.mode} | ${c.input} | ${c.method} | ${c.pieces} | ${mbs(c.bytes)} |`);
process.stdout.write(`${out.join('\n')}\n`);
process.stderr.write(`total ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
