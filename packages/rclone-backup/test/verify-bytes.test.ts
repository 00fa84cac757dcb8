import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerLine, parseLedgerLine, seededRandom, verifiedSince } from '@rclone-b2/core';
import { LedgerJoin } from '../src/ledger.js';
import { parseLsjsonLine, type ListedFile } from '../src/listing.js';
import { selectSample, type Candidate } from '../src/sample.js';
import { parseVerifyConditions } from '../src/verify-conditions.js';
import { FALLBACK as LEDGER_FALLBACK, parseLedgerBytes, writeLedgerPathBytes, type LedgerBytes } from '../src/verify-ledger-bytes.js';
import { FALLBACK, FILE, NOT_FILE, parseLsjsonBytes, parseRfc3339Bytes, type LsjsonRecord } from '../src/verify-lsjson-bytes.js';
import { chooseSample } from '../src/verify-sample.js';
import { cleanup, tempDir, writeTree } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));
const DAY = 86_400_000;

/** What the byte reader gives for a line, in parseLsjsonLine's terms (FALLBACK: the string reader decides). */
function byBytes(line: string): ListedFile | undefined | 'fallback' {
  const buf = Buffer.from(`xx${line}yy`);
  const out: LsjsonRecord = { pathStart: 0, pathEnd: 0, size: 0, mtimeMs: 0 };
  const found = parseLsjsonBytes(buf, 2, buf.length - 2, out);
  if (found === FALLBACK) return 'fallback';
  if (found === NOT_FILE) return undefined;
  expect(found).toBe(FILE);
  return { path: buf.toString('utf8', out.pathStart, out.pathEnd), size: out.size, mtimeMs: out.mtimeMs };
}

describe('parseLsjsonBytes', () => {
  it('reads real rclone lsjson output as parseLsjsonLine does, odd names included', () => {
    const dir = tempDir('rb-bytes-');
    dirs.push(dir);
    const names = ['plain.txt', 'quote"d.txt', 'back\\slash', 'tab\there', 'ünïcödé/日本語.txt', '😀 emoji', 'a,b{c}.json', 'dir with space/f', 'x","Size":5,"ModTime":"y'];
    writeTree(dir, Object.fromEntries(names.map((n, i) => [n, 'x'.repeat(i * 997)])));
    const lines = execFileSync('rclone', ['lsjson', '-R', '--no-mimetype', dir, '--config', '/dev/null'], { encoding: 'utf8' }).split('\n');
    let read = 0;
    for (const line of lines) {
      const bytes = byBytes(line);
      if (bytes === 'fallback') continue;
      if (bytes) read += 1;
      expect(bytes).toEqual(parseLsjsonLine(line));
    }
    // The files whose names need no JSON escape are read from the bytes, not handed back.
    // (rclone shows a tab as its symbol ␉, no escape.)
    expect(read).toBe(names.filter((n) => !/["\\]/.test(n)).length);
  });
  it.each([
    ['fraction cut to ms', '{"Path":"a","Name":"a","Size":3,"ModTime":"2024-01-02T03:04:05.123987654Z","IsDir":false},'],
    ['offset', '{"Path":"a","Name":"a","Size":3,"ModTime":"2024-01-02T03:04:05.5+05:30","IsDir":false}'],
    ['negative offset, no fraction', '{"Path":"a","Name":"a","Size":0,"ModTime":"2024-02-30T23:59:59-11:45","IsDir":false}'],
    ['a directory', '{"Path":"d","Name":"d","Size":-1,"ModTime":"2024-01-02T03:04:05Z","IsDir":true},'],
    ['a negative size', '{"Path":"a","Name":"a","Size":-1,"ModTime":"2024-01-02T03:04:05Z","IsDir":false},'],
    ['other field order', '{"Name":"b","Path":"a/b","Size":3,"ModTime":"2024-01-02T03:04:05Z","IsDir":false},'],
    ['an escaped path', '{"Path":"a\\u00e9\\"b","Name":"a","Size":0,"ModTime":"2024-01-02T03:04:05Z","IsDir":false}'],
    ['hour 24', '{"Path":"a","Name":"a","Size":1,"ModTime":"2024-01-02T24:00:00Z","IsDir":false}'],
    ['a year before 1000', '{"Path":"a","Name":"a","Size":1,"ModTime":"0099-01-02T03:04:05Z","IsDir":false}'],
    ['trailing space', '{"Path":"a","Name":"a","Size":1,"ModTime":"2024-01-02T03:04:05Z","IsDir":false} '],
    ['the brackets', '['],
    ['empty', ''],
  ])('%s: what parseLsjsonLine gives, or left to it', (_name, line) => {
    const bytes = byBytes(line);
    if (bytes !== 'fallback') expect(bytes).toEqual(parseLsjsonLine(line));
  });
  it('a path that is not UTF-8 is left to the string reader (which makes it U+FFFD)', () => {
    const buf = Buffer.concat([Buffer.from('{"Path":"a'), Buffer.from([0xff]), Buffer.from('","Name":"a","Size":1,"ModTime":"2024-01-02T03:04:05Z","IsDir":false}')]);
    expect(parseLsjsonBytes(buf, 0, buf.length, { pathStart: 0, pathEnd: 0, size: 0, mtimeMs: 0 })).toBe(FALLBACK);
  });
});

describe('the byte readers accept only the plain shape, byte for byte', () => {
  // Every byte of a plain line changed, one at a time: the reader may read the line only
  // if it still has the plain shape (and then as the string reader does); a literal
  // compared wrongly (too much or too little) fails here.
  const mutations = (line: string): string[] => Array.from(line, (_, k) => [`${line.slice(0, k)}X${line.slice(k + 1)}`, `${line.slice(0, k)}${line.slice(k + 1)}`]).flat();
  it('parseLsjsonBytes', () => {
    // eslint-disable-next-line no-control-regex
    const plainShape = /^\{"Path":"[^"\\\u0000-\u001f]*","Name":"[^"\\\u0000-\u001f]*","Size":(0|[1-9]\d{0,14}),"ModTime":"[^"]*","IsDir":false\},?$/;
    const line = '{"Path":"d/ab.c","Name":"ab.c","Size":12,"ModTime":"2024-01-02T03:04:05.5Z","IsDir":false},';
    expect(byBytes(line)).toEqual(parseLsjsonLine(line));
    let read = 0;
    for (const changed of mutations(line)) {
      const bytes = byBytes(changed);
      if (bytes === 'fallback' || bytes === undefined) continue;
      read += 1;
      expect(changed).toMatch(plainShape);
      expect(bytes).toEqual(parseLsjsonLine(changed));
    }
    // Changes inside the path, name, numbers and time only.
    expect(read).toBeGreaterThan(10);
  });
  it('parseLedgerBytes', () => {
    // eslint-disable-next-line no-control-regex
    const plainShape = /^\{"path":"[^"\\\u0000-\u001f]*","size":(0|[1-9]\d{0,14}),"verified":(0|[1-9]\d{0,14})\}$/;
    const line = '{"path":"d/ab.c","size":12,"verified":1764000000000}';
    const out: LedgerBytes = { pathStart: 0, pathEnd: 0, size: 0, verified: 0 };
    let read = 0;
    for (const changed of [line, ...mutations(line)]) {
      const buf = Buffer.from(changed);
      if (parseLedgerBytes(buf, 0, buf.length, out) === LEDGER_FALLBACK) continue;
      read += 1;
      expect(changed).toMatch(plainShape);
      expect({ path: buf.toString('utf8', out.pathStart, out.pathEnd), entry: { size: out.size, verified: out.verified } }).toEqual(parseLedgerLine(changed));
    }
    expect(read).toBeGreaterThan(10);
  });
});

describe('parseRfc3339Bytes', () => {
  it('gives Date.parse for 20,000 random times in every form rclone writes, and NaN (left to Date.parse) otherwise', () => {
    const random = seededRandom(5);
    const pick = (n: number): number => Math.floor(random() * n);
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    for (let i = 0; i < 20_000; i++) {
      const fraction = pick(3) === 0 ? '' : `.${pad(pick(1e9), 9).slice(0, 1 + pick(9))}`;
      const zone = pick(3) === 0 ? 'Z' : `${pick(2) ? '+' : '-'}${pad(pick(24), 2)}:${pad(pick(60), 2)}`;
      const text = `${pad(900 + pick(9200), 4)}-${pad(pick(14), 2)}-${pad(pick(33), 2)}T${pad(pick(25), 2)}:${pad(pick(61), 2)}:${pad(pick(61), 2)}${fraction}${zone}`;
      const got = parseRfc3339Bytes(Buffer.from(text), 0, text.length);
      if (!Number.isNaN(got)) expect([text, got]).toEqual([text, Date.parse(text)]);
      else if (/^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d/.test(text) && !/[+-](2[4-9]|[3-9]\d):|:[6-9]\d$/.test(text)) throw new Error(`not read: ${text}`);
    }
  });
});

describe('ledger lines as bytes', () => {
  it.each([
    ledgerLine('a/b.jpg', { size: 10, verified: 1_767_225_600_000 }),
    ledgerLine('ünï/😀', { size: 2 ** 40, verified: 5 }),
    ledgerLine('q"u\\o\nte\u0001', { size: 0, verified: 1 }),
    '{"path":"a","size":1,"verified":2,"x":3}',
    '{"path":"a","size":01,"verified":2}',
    '{"path":"a","size":1.5,"verified":2}',
    '{"path":"a","size":-1,"verified":2}',
    '{"path":"a","size":99999999999999999999,"verified":2}',
    '{"path": damaged',
    '',
  ])('%j: read as parseLedgerLine reads it, or left to it', (line) => {
    const buf = Buffer.from(line);
    const out: LedgerBytes = { pathStart: 0, pathEnd: 0, size: 0, verified: 0 };
    if (parseLedgerBytes(buf, 0, buf.length, out) === LEDGER_FALLBACK) return;
    expect({ path: buf.toString('utf8', out.pathStart, out.pathEnd), entry: { size: out.size, verified: out.verified } }).toEqual(parseLedgerLine(line));
  });
  it.each([
    ['a/b.jpg', 10, 1_767_225_600_000],
    ['ünï/😀 長い', 0, 999_999_999],
    ['x', 2 ** 53 - 1, 1_000_000_000],
    ['q"uote', 1, 2],
    ['back\\slash', 1, 2],
    ['ctl\u0001', 1, 2],
    ['frac', 1.5, 2],
    ['neg', -1, 2],
  ])('%j: ledgerLine + newline exactly, or left to it', (path, size, verified) => {
    const src = Buffer.from(path);
    const out = Buffer.alloc(200);
    const end = writeLedgerPathBytes(out, 3, src, 0, 0, src, 0, src.length, Float64Array.of(size, verified));
    // eslint-disable-next-line no-control-regex
    if (end === LEDGER_FALLBACK) expect(/["\\\u0000-\u001f]/.test(path) || !Number.isSafeInteger(size) || size < 0).toBe(true);
    else expect(out.toString('utf8', 3, end)).toBe(`${ledgerLine(path, { size, verified })}\n`);
    // The same path in two pieces (a directory and a name, as the file table keeps them), cut anywhere: the same bytes, or the same FALLBACK.
    for (let cut = 0; cut <= src.length; cut++) {
      const pieces = Buffer.alloc(200);
      const dir = Buffer.from(src.subarray(0, cut));
      const name = Buffer.concat([Buffer.from('##'), src.subarray(cut)]);
      const endPieces = writeLedgerPathBytes(pieces, 3, dir, 0, dir.length, name, 2, name.length, Float64Array.of(size, verified));
      expect(endPieces).toBe(end);
      if (end !== LEDGER_FALLBACK) expect(pieces.subarray(3, end).equals(out.subarray(3, end))).toBe(true);
    }
  });
  it('writes every width of number as ledgerLine does: the 13-digit times of the fast path, their edges and zeros inside', () => {
    const numbers = [0, 9, 10, 99, 100, 1e9 - 1, 1e9, 1e9 + 1, 1e12 - 1, 1e12, 1e12 + 1, 1_700_000_000_005, 1_000_000_000_100, 1_764_000_000_000, 9_999_999_999_999, 1e13, 1e13 + 1, 2 ** 53 - 1];
    let seed = 7;
    for (let k = 0; k < 2000; k++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      numbers.push(1e12 + (seed % 9_000_000) * 1_000_003, seed % 100_000, seed * 1009);
    }
    const out = Buffer.alloc(200);
    const src = Buffer.from('dir/name');
    for (const n of numbers) {
      for (const [size, verified] of [[n, n], [7, n], [n, 1_764_000_000_000]] as const) {
        const end = writeLedgerPathBytes(out, 1, src, 0, 0, src, 0, src.length, Float64Array.of(size, verified));
        expect(out.toString('utf8', 1, end)).toBe(`${ledgerLine('dir/name', { size, verified })}\n`);
      }
    }
  });
});

describe('the sample and the new ledger are what the object-per-file code gave', () => {
  // The code before the byte path: the listing and the ledger as objects and a Map, every
  // wanted file a Candidate, selectSample; the new ledger as ledgerLine strings.
  function reference(files: ListedFile[], ledgerText: string, conditions: ReturnType<typeof parseVerifyConditions>, rotate: boolean, seed: number, now: number) {
    const old = new Map<string, { size: number; verified: number }>();
    for (const line of ledgerText.split('\n')) {
      const parsed = parseLedgerLine(line);
      if (parsed) old.set(parsed.path, parsed.entry);
    }
    const first = new Map<string, ListedFile>();
    for (const f of files) if (!first.has(f.path)) first.set(f.path, f);
    const totals = { files: files.length, bytes: files.reduce((s, f) => s + f.size, 0) };
    const candidates: Candidate[] = [];
    for (const f of files) {
      const young = !conditions.age || f.mtimeMs >= now - conditions.age.ms;
      if (!young && !rotate) continue;
      const entry = first.get(f.path) === f ? old.get(f.path) : undefined;
      const c: Candidate = { path: f.path, size: f.size, mtimeMs: f.mtimeMs, tier: young ? 0 : 1 };
      const since = verifiedSince(entry, f);
      if (since !== undefined) c.verifiedMs = since;
      candidates.push(c);
    }
    const sample = conditions.data || conditions.files ? selectSample(candidates, conditions, totals, seededRandom(seed)) : candidates;
    const chosen = new Set(sample.map((c) => c.path));
    let ledger = '';
    for (const f of files) {
      const isFirst = first.get(f.path) === f;
      const entry = isFirst && chosen.has(f.path) ? { size: f.size, verified: now } : isFirst ? old.get(f.path) : undefined;
      if (entry) ledger += `${ledgerLine(f.path, entry)}\n`;
    }
    return { sample: sample.map((c) => [c.path, c.size]), ledger };
  }

  it.each([
    [['data=1%', 'age=1d'], true],
    [['data=<2M'], false],
    [['files=30'], true],
    [['files=5%', 'age=3d'], false],
    [['age=2d'], false],
    [['age=2d'], true],
    [['files=100%'], false],
  ])('%j rotate=%s, 4 seeds', async (values, rotate) => {
    const dir = tempDir('rb-bytes-sample-');
    dirs.push(dir);
    const now = Date.UTC(2026, 0, 10);
    const random = seededRandom(11);
    const files: ListedFile[] = [];
    for (let i = 0; i < 3000; i++) {
      const path = i % 97 === 0 ? `ünï/q"uote-${i}` : i === 2999 ? 'dir-1/f-1.jpg' : `dir-${i % 40}/f-${i}.jpg`;
      files.push({ path, size: Math.floor(random() ** 3 * 5_000_000), mtimeMs: now - Math.floor(random() * 30 * DAY) });
    }
    let ledgerText = '';
    // The old ledger: most files, in another order (directories come in another order each run), some changed since, some gone.
    for (const f of [...files].sort((a, b) => (a.path.split('/')[0] ?? '').localeCompare(b.path.split('/')[0] ?? ''))) {
      if (random() < 0.8) ledgerText += `${ledgerLine(f.path, { size: random() < 0.9 ? f.size : f.size + 1, verified: now - Math.floor(random() * 40 * DAY) })}\n`;
    }
    ledgerText += `${ledgerLine('gone', { size: 1, verified: now })}\n{"path": damaged\n`;
    const conditions = parseVerifyConditions(values);
    for (const seed of [1, 2, 3, 4]) {
      const ledgerFile = join(dir, `ledger-${seed}.jsonl`);
      writeFileSync(ledgerFile, ledgerText);
      const join_ = await LedgerJoin.open(ledgerFile);
      for (const f of files) {
        const bytes = Buffer.from(f.path);
        join_.addListed(bytes, 0, bytes.length, Float64Array.of(f.size, f.mtimeMs));
      }
      await join_.load();
      const totals = { files: files.length, bytes: files.reduce((s, f) => s + f.size, 0) };
      const chosen = [...chooseSample(join_, conditions, { rotating: rotate, seed }, totals, now).files];
      for (const c of chosen) join_.addVerified(c.path);
      await join_.write(now, 30 * DAY);
      const expected = reference(files, ledgerText, conditions, rotate, seed, now);
      expect(chosen.map((c) => [c.path, c.size])).toEqual(expected.sample);
      expect(readFileSync(ledgerFile, 'utf8')).toBe(expected.ledger);
    }
  });
});
