import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuTree, LsjsonParser, parseLsjsonBytes, RcloneLslParser, readFileChunks, readListing, writeDuReport } from '../src/du/index.js';

async function report(tree: DuTree): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeDuReport(tree, out, {});
  return Buffer.concat(chunks).toString('utf8');
}

/** The string path alone: every line through JSON.parse (the LsjsonParser). */
function viaJsonParse(listing: Buffer): DuTree {
  const tree = new DuTree();
  const parser = new LsjsonParser();
  for (const line of listing.toString('utf8').split('\n')) parser.parseLine(line.replace(/\r$/, ''), tree);
  return tree;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lsjson-bytes-'));
  const names = ['plain.txt', 'a b c.txt', ' leading space', 'ünïcödé ✓.jpg', 'tab\there', 'new\nline', 'back\\slash', 'quote"d', 'ctl\u0001x', '日本語'];
  for (const [i, name] of names.entries()) {
    mkdirSync(join(dir, `d ${i}`, name === 'plain.txt' ? 'sub' : 'x'), { recursive: true });
    writeFileSync(join(dir, `d ${i}`, name), 'x'.repeat(i * 7 + 1));
    writeFileSync(join(dir, `d ${i}`, name === 'plain.txt' ? 'sub' : 'x', name), 'y'.repeat(i + 3));
  }
  // A name that is not UTF-8 (rclone prints it with a replacement character).
  writeFileSync(Buffer.concat([Buffer.from(join(dir, 'd 0/')), Buffer.from([0x61, 0xff, 0x62])]), 'zz');
  symlinkSync('plain.txt', join(dir, 'd 0', 'link'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rclone lsjson from bytes', () => {
  it.each([
    ['plain', ['lsjson', '-R', '--no-mimetype']],
    ['with mime types and nested hashes (the JSON.parse path)', ['lsjson', '-R', '--hash']],
    ['files only, with links as files', ['lsjson', '-R', '--files-only', '-L']],
  ])('gives the same tree as JSON.parse on real rclone output: %s', async (_, args) => {
    const { stdout } = await execa('rclone', [...args, dir], { encoding: 'buffer' });
    const listing = Buffer.from(stdout);
    const tree = new DuTree();
    const result = await readListing(Readable.from([listing]), tree, { format: 'lsjson' });
    expect(result.skipped).toBe(0);
    const expected = await report(viaJsonParse(listing));
    expect(expected).toContain('ünïcödé');
    expect(await report(tree)).toBe(expected);
  }, 30_000);

  it("takes rclone's plain lines itself and leaves escapes, nesting and odd bytes to JSON.parse", async () => {
    const { stdout } = await execa('rclone', ['lsjson', '-R', '--no-mimetype', dir]);
    const lines = stdout.split('\n').filter((line) => line.startsWith('{'));
    const taken = lines.filter((line) => {
      const buf = Buffer.from(line);
      return parseLsjsonBytes(buf, 0, buf.length, new DuTree()) === true;
    });
    expect(taken.some((line) => line.includes('"Path":"d 1/a b c.txt"'))).toBe(true);
    expect(taken.some((line) => line.includes('ünïcödé'))).toBe(true);
    expect(taken.filter((line) => line.includes('\\'))).toEqual([]); // every escaped name went the JSON.parse way
    expect(lines.length - taken.length).toBeGreaterThanOrEqual(5);
  });

  // Each line either is taken by the byte path with the same result as JSON.parse, or is left to it.
  it.each([
    '{"Path":"a/b","Name":"b","Size":5,"ModTime":"2024-01-01T00:00:00Z","IsDir":false},',
    '{"Path":"a/b","Size":5,"IsDir":false}',
    '  {"Path":"a/b","Size":-1,"IsDir":true}  ',
    '{"Path":"a/b","Size":0}',
    '{"Path":"a/b","Size":-5}',
    '{"Path":"a/b","Size":-0,"IsDir":false}',
    '{"Path":"a/b","Path":"c/d","Size":5}',
    '{"Path":"a/b","Size":5,"Size":7}',
    '{"Path":"a/b","Size":5.5}',
    '{"Path":"a/b","Size":1e3}',
    '{"Path":"a/b","Size":"5"}',
    '{"Path":"a/b","Size":012}',
    '{"Path":"a/b","Size":12345678901234567890}',
    '{"Path":"a/b","IsDir":"true"}',
    '{"Path":"a/b","IsDir":true,"IsDir":false}',
    '{"Path":"a\\u00e9","Size":3}',
    '{"Path":"","Size":3}',
    '{"Path":"a/b","Size":3,"Hashes":{"md5":"x"}}',
    '{"Path":"a/b","Size":3} trailing',
    '{"Path":"a/b","Size":3,}',
    '{ "Path" : "a/b", "Size" : 3 }',
    '{"Path":"a/b","Size":3,"x":nul}',
    '{"Path":"a/b","Size":3,"x":truex}',
    '{"Path":"a/b","Size":3',
    '{"Path":"a\tb","Size":3}',
    '{"Size":3}',
  ])('%s', async (line) => {
    const fast = new DuTree();
    const buf = Buffer.from(line);
    const taken = parseLsjsonBytes(buf, 0, buf.length, fast);
    const slow = new DuTree();
    const ok = new LsjsonParser().parseLine(line, slow);
    if (taken === true) {
      expect(ok).toBe(true);
      expect(await report(fast)).toBe(await report(slow));
    } else expect(taken).toBeUndefined();
    // And through readListing (which falls back by itself), always JSON.parse's answer.
    const tree = new DuTree();
    const result = await readListing(Readable.from([Buffer.from(`[\n${line}\n]\n`)]), tree, { format: 'lsjson' });
    expect(result.skipped).toBe(ok ? 0 : 1);
    expect(await report(tree)).toBe(await report(slow));
  });
});

describe('reading a named listing file in synchronous chunks', () => {
  it.each([7, 64, 1 << 20])('gives the same report as a stream, with lines cut across chunks of %i bytes', async (chunkSize) => {
    const { stdout } = await execa('rclone', ['lsjson', '-R', '--no-mimetype', dir], { encoding: 'buffer' });
    const file = join(dir, '..', `${dir.split('/').pop()}-listing.json`);
    writeFileSync(file, Buffer.from(stdout));
    try {
      const { openSync, closeSync } = await import('node:fs');
      const fd = openSync(file, 'r');
      const tree = new DuTree();
      const result = await readListing(readFileChunks(fd, chunkSize), tree, {});
      closeSync(fd);
      expect(result.format).toBe('lsjson');
      expect(result.skipped).toBe(0);
      expect(await report(tree)).toBe(await report(viaJsonParse(Buffer.from(stdout))));
    } finally {
      rmSync(file, { force: true });
    }
  }, 30_000);
});

describe('rclone lsl from bytes', () => {
  /** The string path alone: every line through the RcloneLslParser's pattern. */
  function viaPattern(listing: string): DuTree {
    const tree = new DuTree();
    const parser = new RcloneLslParser();
    for (const line of listing.split('\n')) parser.parseLine(line, tree);
    return tree;
  }

  it('gives the same tree as the string parser on real rclone lsl output (odd names, links)', async () => {
    const { stdout } = await execa('rclone', ['lsl', '-L', dir]);
    const tree = new DuTree();
    const result = await readListing(Readable.from([Buffer.from(`${stdout}\n`)]), tree, {});
    expect(result.format).toBe('rclone-lsl');
    expect(result.skipped).toBe(0);
    const expected = await report(viaPattern(stdout));
    expect(expected).toContain('ünïcödé');
    expect(await report(tree)).toBe(expected);
  }, 30_000);

  it.each([
    '        5 2024-11-21 20:38:54.762578096 a/b c',
    '5 2024-11-21 20:38:54 a/b',
    '       -1 2024-11-21 20:38:54.1 a/b',
    '5 2024-11-21 20:38:54. a/b',
    '5 2024-11-21 20:38:54.5x a/b',
    '5 2024-11-21 20:38 a/b',
    '5 2024-1-21 20:38:54 a/b',
    '5 2024-11-21 20:38:54.000 ',
    '5 2024-11-21 20:38:54.000  two spaces',
    '5  2024-11-21 20:38:54 a/b',
    '5 2024-11-21 20:38:54 back\\\\slash\\n',
  ])('%s: the byte path answers as the pattern does', async (line) => {
    const slow = new DuTree();
    const ok = new RcloneLslParser().parseLine(line, slow);
    const tree = new DuTree();
    // Two lines: the first one is read by the string parser while the format is detected.
    const result = await readListing(Readable.from([Buffer.from(`1 2024-11-21 20:38:54 first\n${line}\n`)]), tree, { format: 'rclone-lsl' });
    new RcloneLslParser().parseLine('1 2024-11-21 20:38:54 first', slow);
    expect(result.skipped).toBe(ok ? 0 : 1);
    expect(await report(tree)).toBe(await report(slow));
  });
});
