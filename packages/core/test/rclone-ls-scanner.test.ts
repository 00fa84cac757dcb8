// The compiled `rclone ls` scanner (du/rclone-ls-scan.wat) must give exactly the JavaScript
// parser's tree on any input: the same report bytes, line count and bad-line warnings,
// whatever the order of the lines, the chunk boundaries, and the odd lines between them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DuTree, readListing, writeDuReport } from '../src/index.js';
import { rcloneLsScannerAvailable } from '../src/du/rclone-ls-scanner.js';

async function run(input: Buffer, chunk: number, compiled: boolean, before?: (tree: DuTree) => void): Promise<string> {
  const tree = new DuTree();
  before?.(tree);
  const chunks: Buffer[] = [];
  for (let at = 0; at < input.length; at += chunk) chunks.push(input.subarray(at, at + chunk));
  const warnings: string[] = [];
  const result = await readListing(Readable.from(chunks), tree, { format: 'rclone-ls', compiled, onWarning: (m) => warnings.push(m) });
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (part: Buffer) => parts.push(part));
  await writeDuReport(tree, out, {});
  return `${result.lines} ${result.skipped}\n${warnings.join('\n')}\n${Buffer.concat(parts).toString('latin1')}\n${tree.count} ${tree.total}`;
}

async function expectSame(input: Buffer, chunk: number, before?: (tree: DuTree) => void): Promise<void> {
  expect(await run(input, chunk, true, before)).toBe(await run(input, chunk, false, before));
}

describe('compiled rclone ls scanner', () => {
  it('is built and loads (else the tests below would test only the JavaScript path)', () => {
    expect(rcloneLsScannerAvailable()).toBe(true);
  });

  it.each([3, 17, 64, 1 << 20])('gives the JavaScript parser’s report on odd lines, chunks of %i bytes', async (chunk) => {
    const lines = [
      '        5 a/b/c.txt',
      '        7 a/b/d.txt',
      '        1 a/b/d.txt', // repeated: added up
      '        2 a/b/b.txt', // out of order: the directory goes to the lookup table
      '       11 a/b/e',
      '        3 top', // a name in the root
      '        4 top2',
      '        9 /abs/x', // absolute
      '        9 /y',
      '        6 a//b/f', // not canonical
      '        6 a/b/', // a trailing slash
      '       -1 a/neg', // size unknown
      '  1234567890123456 a/huge', // 16 digits
      '12 a/c\\nd', // an escape
      '3 a/crlf\r',
      '8 a/b/g', // back in a/b, in order after e
      '8 x/y z/ w',
      '',
      'garbage line',
      '5  a/lead space',
      '0 a/b/h',
      '1 a/b/é',
      '2 a/b/\xff'.replace('\xff', 'ÿ'),
      '3 a/b',
      '4 a/b/c.txt/deeper',
    ];
    await expectSame(Buffer.from(`${lines.join('\n')}\n`), chunk);
    await expectSame(Buffer.from(lines.join('\n')), chunk); // no final newline
  });

  it('continues a directory that already holds names from an earlier input', async () => {
    const before = (tree: DuTree): void => {
      tree.add('d/m', 1);
      tree.add('e/a', 1);
    };
    await expectSame(Buffer.from('1 d/n\n2 d/o\n3 d/a\n4 e/b\n5 e/a\n'), 1 << 20, before);
    await expectSame(Buffer.from('1 d/a\n2 d/z\n'), 1 << 20, before);
  });

  it('gives the JavaScript parser’s report on real rclone ls output (odd names, many directories)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rclone-ls-scan-'));
    try {
      const names = ['plain.txt', 'a b c.txt', ' leading space', 'ünïcödé ✓.jpg', 'tab\there', 'new\nline', 'back\\slash', 'ctl\u0001x', '日本語', 'Z', 'a'];
      for (let d = 0; d < 30; d += 1) {
        const sub = join(dir, `d ${d % 7}`, `e ${d}`, d % 3 === 0 ? 'deep/er' : '');
        mkdirSync(sub, { recursive: true });
        for (const [i, name] of names.entries()) if ((i + d) % 3 !== 0) writeFileSync(join(sub, name), 'x'.repeat(i * d + 1));
      }
      writeFileSync(join(dir, 'top level'), 'top');
      writeFileSync(Buffer.concat([Buffer.from(join(dir, 'd 1/')), Buffer.from([0x61, 0xff, 0x62])]), 'zz');
      const { stdout } = await execa('rclone', ['ls', dir], { encoding: 'buffer' });
      const listing = Buffer.from(stdout);
      expect(listing.length).toBeGreaterThan(2000);
      for (const chunk of [100, 1 << 20]) await expectSame(listing, chunk);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('matches the JavaScript parser on random listings (property)', async () => {
    // Few names and sizes: repeated paths, revisited directories and size ties are common.
    const part = fc.constantFrom('a', 'b', 'ab', 'é', 'a b', '', 'Z', 'a\\b');
    const line = fc.tuple(
      fc.constantFrom('', ' ', '   '),
      fc.oneof(fc.nat(20).map(String), fc.constantFrom('-1', '', 'x', '99999999999999999')),
      fc.constantFrom(' ', '  ', ''),
      fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')),
      fc.constantFrom('', '', '', '\r', '/'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 60 }), fc.constantFrom(5, 40, 1 << 20), fc.boolean(), async (lines, chunk, sorted) => {
        const text = lines.map(([lead, size, gap, path, tail]) => `${lead}${size}${gap}${path}${tail}`);
        if (sorted) text.sort((x, y) => Buffer.compare(Buffer.from(x.replace(/^ *\S* */, '')), Buffer.from(y.replace(/^ *\S* */, ''))));
        await expectSame(Buffer.from(`${text.join('\n')}\n`), chunk);
      }),
      { numRuns: 600 },
    );
  });
});
