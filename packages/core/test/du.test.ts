import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DuTree, parseRcloneLsLine, readListing, writeDuReport, type ListingFormat } from '../src/index.js';
import { createLineParser, detectListingFormat } from '../src/du/formats/detect.js';
import { parseLongLine, unescapeTarName } from '../src/du/formats/long-listing.js';
import { sortedRows } from '../src/du/select.js';
import { type DuReportOptions } from '../src/du/printers/types.js';

function treeOf(entries: Array<[string, number]>): DuTree {
  const tree = new DuTree();
  for (const [path, size] of entries) tree.add(path, size);
  return tree;
}

async function report(tree: DuTree, options: DuReportOptions = {}): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await writeDuReport(tree, out, options);
  return text;
}

function rowsOf(text: string): Array<[number, string]> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      return [Number(line.slice(0, tab)), line.slice(tab + 1)];
    });
}

describe('DuTree', () => {
  it('gives every ancestor directory a total, even when never named', async () => {
    const tree = treeOf([
      ['a/b/c/file1', 10],
      ['a/b/file2', 5],
      ['top', 1],
    ]);
    expect(rowsOf(await report(tree))).toEqual([
      [15, 'a'],
      [15, 'a/b'],
      [10, 'a/b/c'],
      [10, 'a/b/c/file1'],
      [5, 'a/b/file2'],
      [1, 'top'],
    ]);
    expect(tree.total).toBe(16);
    expect(tree.count).toBe(6);
  });

  it('drops trailing slashes, sums repeated paths, merges a file and a directory of the same path', async () => {
    const tree = new DuTree();
    tree.add('d/x/', 3);
    tree.add('d/x', 4);
    tree.addDirectory('d/e/');
    tree.add('d/f', 1);
    tree.add('d/f/g', 2);
    expect(rowsOf(await report(tree))).toEqual([
      [10, 'd'],
      [7, 'd/x'],
      [3, 'd/f'],
      [2, 'd/f/g'],
      [0, 'd/e'],
    ]);
  });

  it('merges repeated paths while reading, so memory follows distinct paths', () => {
    const tree = new DuTree();
    for (let round = 0; round < 50; round += 1) {
      for (let i = 999; i >= 0; i -= 1) tree.add(`dir/f${i}`, 1); // unsorted on purpose
    }
    expect(tree.files.count).toBe(1000);
    expect(tree.count).toBe(1001);
    expect(tree.total).toBe(50_000);
  });

  it('a sorted listing read twice takes no more memory than once', () => {
    const tree = new DuTree();
    const names = Array.from({ length: 500 }, (_, i) => `d${i % 7}/file ${String(i).padStart(4, '0')}`).sort();
    for (const name of names) tree.add(name, 2);
    const arenaOnce = tree.files.names.length;
    for (const name of names) tree.add(name, 3);
    expect(tree.files.names.length).toBe(arenaOnce);
    expect(tree.count).toBe(507);
    expect(tree.total).toBe(2500);
  });

  it('keeps absolute paths under /', async () => {
    const tree = treeOf([
      ['/srv/a', 2],
      ['/srv/b c', 3],
    ]);
    expect(rowsOf(await report(tree))).toEqual([
      [5, '/'],
      [5, '/srv'],
      [3, '/srv/b c'],
      [2, '/srv/a'],
    ]);
  });

  it('uses du totals for directories du reported (children first)', async () => {
    const tree = new DuTree();
    tree.addTotal('top/f', 6);
    tree.addTotal('top/sub/g', 4);
    tree.addTotal('top/sub', 4100);
    tree.addTotal('top', 8202);
    expect(rowsOf(await report(tree))).toEqual([
      [8202, 'top'],
      [4100, 'top/sub'],
      [6, 'top/f'],
      [4, 'top/sub/g'],
    ]);
  });
});

describe('report order and selection', () => {
  it('sorts largest first and ties by path in byte order', async () => {
    const tree = treeOf([
      ['a', 1],
      ['a b/x', 1],
      ['a/x', 0],
      ['b', 1],
      ['ä', 1],
    ]);
    tree.add('a/x', 1); // `a` is now a directory holding the file size of the old `a` too
    const paths = rowsOf(await report(tree)).map(([size, path]) => `${size} ${path}`);
    expect(paths).toEqual(['2 a', '1 a b', '1 a b/x', '1 a/x', '1 b', '1 ä']);
  });

  it('matches a naive comparator sort on random trees', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 20; round += 1) {
      const tree = new DuTree();
      const names = ['a', 'a b', 'a-b', 'b', 'é', 'Z', '0', 'a.b', '\u{1F600}', '\uFF5E'];
      for (let i = 0; i < 200; i += 1) {
        const depth = 1 + random(4);
        const parts = Array.from({ length: depth }, () => names[random(names.length)] as string);
        tree.add(parts.join('/'), random(3) === 0 ? 0 : random(5) * 2 ** random(40));
      }
      const rows = sortedRows(tree, {});
      const got = Array.from({ length: rows.length }, (_, k) => [rows.size(k), rows.path(k)] as const);
      const expected = [...got].sort((x, y) => y[0] - x[0] || Buffer.compare(Buffer.from(x[1]), Buffer.from(y[1])));
      expect(got).toEqual(expected);
      expect(new Set(got.map((r) => r[1])).size).toBe(got.length);
      for (const top of [1, 3, 7]) {
        // top × 16 < paths: the heap path; it must agree with the full sort.
        const best = sortedRows(tree, { top });
        expect(Array.from({ length: best.length }, (_, k) => [best.size(k), best.path(k)] as const)).toEqual(expected.slice(0, top));
      }
      const deep = sortedRows(tree, { top: 5, depth: 2, minSize: 1 });
      const deepAll = sortedRows(tree, { depth: 2, minSize: 1 });
      expect(Array.from({ length: deep.length }, (_, k) => deep.path(k))).toEqual(
        Array.from({ length: Math.min(5, deepAll.length) }, (_, k) => deepAll.path(k)),
      );
    }
  });

  it('keeps adding up repeated paths after a report freed its lookup table', async () => {
    // Out-of-order names put the directory in the lookup table; printing frees it.
    const first: Array<[string, number]> = [['d/b', 1], ['d/a', 2], ['d/c', 4], ['e/z', 8], ['e/y', 16]];
    const second: Array<[string, number]> = [['d/a', 32], ['d/b', 64], ['e/y', 128], ['d/0', 256], ['e/x', 512]];
    const tree = treeOf(first);
    await report(tree);
    for (const [path, size] of second) tree.add(path, size);
    const again = await report(tree);
    expect(again).toBe(await report(treeOf([...first, ...second])));
    expect(rowsOf(again)).toContainEqual([34, 'd/a']);
    expect(tree.count).toBe(2 + 4 + 3);
  });

  it('prints reports longer than one gathering window (64K rows) in order', async () => {
    const entries: Array<[string, number]> = [];
    for (let i = 0; i < 70_000; i += 1) entries.push([`d${i % 7}/f${(i * 7919) % 70_000}`, (i * 31) % 1000]);
    const rows = rowsOf(await report(treeOf(entries)));
    expect(rows.length).toBe(70_000 + 7);
    const expected = [...rows].sort((x, y) => y[0] - x[0] || Buffer.compare(Buffer.from(x[1]), Buffer.from(y[1])));
    expect(rows).toEqual(expected);
    const [path, size] = entries[12_345] as [string, number];
    expect(rows.filter(([, p]) => p === path)).toEqual([[size, path]]);
  });

  it.each([
    [{ depth: 1 }, ['10 a', '1 top']],
    [{ depth: 2 }, ['10 a', '6 a/b', '4 a/c', '1 top']],
    [{ top: 2 }, ['10 a', '6 a/b']],
    [{ minSize: 5 }, ['10 a', '6 a/b', '6 a/b/f']],
    [{ depth: 2, top: 3, minSize: 2 }, ['10 a', '6 a/b', '4 a/c']],
  ])('selects with %j', async (options, expected) => {
    const tree = treeOf([
      ['a/b/f', 6],
      ['a/c', 4],
      ['top', 1],
    ]);
    const rows = rowsOf(await report(tree, options)).map(([s, p]) => `${s} ${p}`);
    expect(rows).toEqual(expected);
  });
});

describe('printers', () => {
  const tree = (): DuTree =>
    treeOf([
      ['d/big "quoted", file', 3 * 1024 * 1024],
      ['d/small', 10],
    ]);

  it('text with human sizes', async () => {
    expect(await report(tree(), { human: true })).toBe('3.1M\td\n3.0M\td/big "quoted", file\n10\td/small\n');
  });

  it('csv with a header and quoting', async () => {
    expect(await report(tree(), { format: 'csv' })).toBe(
      'size,path,type\n3145738,d,dir\n3145728,"d/big ""quoted"", file",file\n10,d/small,file\n',
    );
  });

  it('json array', async () => {
    const parsed = JSON.parse(await report(tree(), { format: 'json' })) as unknown;
    expect(parsed).toEqual([
      { path: 'd', size: 3145738, dir: true },
      { path: 'd/big "quoted", file', size: 3145728, dir: false },
      { path: 'd/small', size: 10, dir: false },
    ]);
    expect(JSON.parse(await report(new DuTree(), { format: 'json' }))).toEqual([]);
  });

  it('ncdu export', async () => {
    const text = await report(treeOf([['x/y/z', 5], ['x/w', 1]]), { format: 'ncdu', progname: 't', progver: '1', timestamp: 42 });
    expect(JSON.parse(text)).toEqual([
      1,
      2,
      { progname: 't', progver: '1', timestamp: 42 },
      [{ name: 'x' }, { name: 'w', asize: 1, dsize: 1 }, [{ name: 'y' }, { name: 'z', asize: 5, dsize: 5 }]],
    ]);
    const two = JSON.parse(await report(treeOf([['a', 1], ['b/c', 2]]), { format: 'ncdu' })) as unknown[];
    expect(two[3]).toEqual([{ name: '.' }, { name: 'a', asize: 1, dsize: 1 }, [{ name: 'b' }, { name: 'c', asize: 2, dsize: 2 }]]);
  });

  it('prints nothing for an empty tree', async () => {
    expect(await report(new DuTree())).toBe('');
  });
});

describe('listing formats', () => {
  it.each([
    ['-rw-r--r-- 1 root root 6 Nov 21 20:38 with  spaces.txt', { type: '-', size: 6, name: 'with  spaces.txt' }],
    ['-rw-r--r-- 1 root root 0 Nov 21  2024 old', { type: '-', size: 0, name: 'old' }],
    ['-rw-r--r-- 1 root root 12 Nov  1 09:05  leading space', { type: '-', size: 12, name: ' leading space' }],
    ['-rw-r--r--. 1 1000 1000 77 2024-11-21 20:38 -dash', { type: '-', size: 77, name: '-dash' }],
    ['-rw-r--r-- 1 root root 5 2024-11-21 20:38:01.123456789 +0000 full iso', { type: '-', size: 5, name: 'full iso' }],
    ['-rw-r--r-- 1 root root 9 11-21 20:38 iso recent', { type: '-', size: 9, name: 'iso recent' }],
    ['-rw-r--r-- 1 root root 9 2020-01-02  iso old', { type: '-', size: 9, name: 'iso old' }],
    ['lrwxrwxrwx 1 root root 5 Nov 21 20:38 lnk -> empty', { type: 'l', size: 5, name: 'lnk' }],
    ['crw-r--r-- 1 root root 1, 3 Nov 21 20:42 dev', { type: 'c', size: 0, name: 'dev' }],
    ['-rw-r--r-- root/root 300 2026-11-21 20:40 fx/ünï/deep', { type: '-', size: 300, name: 'fx/ünï/deep' }],
    ['crw-r--r-- root/root 1,3 2026-11-21 20:42 q/dev', { type: 'c', size: 0, name: 'q/dev' }],
    ['hrw-r--r-- root/root 0 2026-11-21 20:41 q/hard link to q/x', { type: 'h', size: 0, name: 'q/hard' }],
    ['-rw-r--r--  0 root   root        1 Nov 21 20:41 q/nl\\nx', { type: '-', size: 1, name: 'q/nl\\nx' }],
    ['drwxr-xr-x  0 root   root        0 Nov 21 20:40 fx/', { type: 'd', size: 0, name: 'fx/' }],
  ])('long listing %s', (line, expected) => {
    expect(parseLongLine(line)).toMatchObject(expected);
  });

  it.each(['', 'total 8', 'fx:', '-rw-r--r-- 1 root root', '-rw-r--r-- 1 root root 6 Nov 21 20:38', 'garbage line', '-rw-r--r-- 1 root root x Nov 21 20:38 f'])(
    'rejects %j as a long listing entry',
    (line) => {
      expect(parseLongLine(line)).toBeUndefined();
    },
  );

  it.each([
    ['q/\\303\\274n\\303\\257', 'q/ünï'],
    ['a\\\\b\\nc\\td', 'a\\b\nc\td'],
    ['plain', 'plain'],
  ])('unescapes tar name %s', (input, output) => {
    expect(unescapeTarName(input)).toBe(output);
  });

  it.each([
    ['        6 a b/file', { size: 6, path: 'a b/file' }],
    ['123456789012 x', { size: 123456789012, path: 'x' }],
    ['       -1 google doc', { size: 0, path: 'google doc' }],
    ['        5  leading space', { size: 5, path: ' leading space' }],
    ['        5', undefined],
    ['abc def', undefined],
  ])('rclone ls line %j', (line, expected) => {
    expect(parseRcloneLsLine(line)).toEqual(expected);
  });

  it.each<[string, ListingFormat | undefined]>([
    ['fx:', 'ls'],
    ['total 8', 'ls'],
    ['-rw-r--r-- 1 root root 6 Nov 21 20:38 x', 'ls'],
    ['drwxr-xr-x root/root 0 2026-11-21 20:40 fx/', 'tar'],
    ['drwxr-xr-x  0 root   root        0 Nov 21 20:40 fx/', 'tar'],
    ['        6 a b/file', 'rclone-ls'],
    ['        6 2026-11-21 20:40:54.762578096 a b/file', 'rclone-lsl'],
    ['[', 'lsjson'],
    ['{"Path":"a","Name":"a","Size":1,"IsDir":false},', 'lsjson'],
    ['[{"Path":"a","Name":"a","Size":1,"IsDir":false}]', 'lsjson'],
    ['  {', 'lsjson'],
    ['{\ufffd_\ufffdlo.P', undefined],
    ['4096\tfx/emptydir', 'du'],
    ['\u0001\u0002garbage', undefined],
    ['hello world', undefined],
  ])('detects %j as %s', (line, format) => {
    expect(detectListingFormat(line)).toBe(format);
  });
});

async function read(input: string | Buffer | Buffer[], options: Parameters<typeof readListing>[2] = {}) {
  const tree = new DuTree();
  const warnings: string[] = [];
  const chunks = Array.isArray(input) ? input : [Buffer.from(input)];
  const result = await readListing(Readable.from(chunks), tree, { ...options, onWarning: (m) => warnings.push(m) });
  return { tree, result, warnings, text: await report(tree) };
}

describe('readListing', () => {
  // A listing saved on Windows: every line ends in CR LF.
  const listing = '        6 a b/ünï\r\n       10 a b/c/d\r\n        1 top\r\n';

  it('reads CRLF lines and reports per path', async () => {
    const { text, result, warnings } = await read(listing);
    expect(text).toBe('16\ta b\n10\ta b/c\n10\ta b/c/d\n6\ta b/ünï\n1\ttop\n');
    expect(result).toMatchObject({ format: 'rclone-ls', lines: 3, skipped: 0, crlf: true, problems: [] });
    expect(warnings).toEqual([]);
  });

  // A CR is a valid last byte of a name: only lines of a CR LF input lose it (decided by the first two lines).
  it.each<[string, string, string, boolean]>([
    ['LF input, a name ending in CR on line 1', '1\tr/endcr\r\n2\tr/endcr\n3\tr\n', '3\tr\n2\tr/endcr\n1\tr/endcr\\r\n', false],
    ['LF input, a name ending in CR later', '2\tr/endcr\n1\tr/endcr\r\n3\tr\n', '3\tr\n2\tr/endcr\n1\tr/endcr\\r\n', false],
    ['CR LF input, a name ending in CR', '1\tr/endcr\r\r\n2\tr/endcr\r\n3\tr\r\n', '3\tr\n2\tr/endcr\n1\tr/endcr\\r\n', true],
    ['CR LF input of one line', '        5 a/b\r\n', '5\ta\n5\ta/b\n', true],
    ['ls -lR, LF', 'r:\n-rw-r--r-- 1 u g 1 Jan  1  2024 endcr\r\n-rw-r--r-- 1 u g 2 Jan  1  2024 endcr\n', '3\tr\n2\tr/endcr\n1\tr/endcr\\r\n', false],
    ['ls -lR, CR LF', 'r:\r\n-rw-r--r-- 1 u g 1 Jan  1  2024 endcr\r\r\n-rw-r--r-- 1 u g 2 Jan  1  2024 endcr\r\n', '3\tr\n2\tr/endcr\n1\tr/endcr\\r\n', true],
  ])('%s', async (_label, input, expected, crlf) => {
    const bytes = Buffer.from(input);
    for (const size of [1, 3, 1 << 20]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const { text, result } = await read(chunks);
      expect(text).toBe(expected);
      expect(result).toMatchObject({ crlf, skipped: 0, problems: [] });
    }
  });

  it('gives the same result when chunks split lines and UTF-8 characters anywhere', async () => {
    const bytes = Buffer.from(listing);
    const whole = await read(listing);
    for (const size of [1, 2, 3, 7]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect((await read(chunks)).text).toBe(whole.text);
    }
  });

  it('the byte fast path agrees with the string parser', async () => {
    const lines = ['        6 a b/ünï', '       -1 x', ' 7 /abs/p', '        3 d/', '        4 d//e', '   9 ./rel'];
    const fast = await read(lines.join('\n'), { format: 'rclone-ls' });
    const slow = new DuTree();
    const parser = createLineParser('rclone-ls');
    for (const line of lines) expect(parser.parseLine(line, slow)).toBe(true);
    expect(fast.text).toBe(await report(slow));
  });

  it('ignores a byte-order mark before the first line', async () => {
    expect((await read('\ufeff5\tx/y\n')).text).toBe('5\tx\n5\tx/y\n');
    expect((await read('\ufeff  5 x/y\n', { format: 'rclone-ls' })).text).toBe('5\tx\n5\tx/y\n');
  });

  it.each<[string, string | Buffer, Parameters<typeof readListing>[2], string, string[]]>([
    ['a last line without its newline is counted, and said', '        5 a/b\n     1947 li', {}, '1947\tli\n5\ta\n5\ta/b\n', ['the input ends without a newline: its last line may be cut']],
    ['-0: a last record without its NUL', '5\ta/b\u00007\ta', { nul: true }, '7\ta\n5\ta/b\n', ['the input ends without a NUL: its last record may be cut']],
    ['-0 on newline-separated input: nothing read', '5\ta/b\n7\ta\n', { nul: true }, '', ['-0 was given, but the input holds newlines and no NUL: it is not NUL-separated (make it with du -ab0, or leave out -0); nothing read']],
    ['lsjson without its closing ]', '[\n{"Path":"a/b","Size":5,"IsDir":false},\n', {}, '5\ta\n5\ta/b\n', ['the lsjson array is not closed (no final "]"): the listing may be cut']],
    ['lsjson objects alone (no array): nothing to close', '{"Path":"a/b","Size":5,"IsDir":false}\n', {}, '5\ta\n5\ta/b\n', []],
    ['lsjson on one line', '[{"Path":"a/b","Size":5,"IsDir":false}]\n', {}, '5\ta\n5\ta/b\n', []],
  ])('%s', async (_label, input, options, expected, problems) => {
    const { text, result } = await read(input, options);
    expect(text).toBe(expected);
    expect(result.problems).toEqual(problems);
  });

  it.each<[string, string, string, string[]]>([
    ['du -c: the last line, `total`, the sum of the top-level entries, is not counted', '1\td/a\n4\td/e/f\n4100\td/e\n8197\td\n3\tx\n8200\ttotal\n', '8200\t\n', ["the last line \"8200\\ttotal\" is du's grand total (du -c): not counted"]],
    ['a path `total` that is not the sum is an entry', '1\td/a\n4097\td\n5\ttotal\n', '4102\t\n', []],
    ['a path `total` that is not the last line is an entry', '5\ttotal\n5\tx\n', '10\t\n', []],
    ['a path `total` alone is an entry', '0\ttotal\n', '0\t\n', []],
  ])('%s', async (_label, input, total, notes) => {
    const { tree, result } = await read(input);
    expect(`${tree.total}\t\n`).toBe(total);
    expect(result.notes).toEqual(notes);
    expect(result.problems).toEqual([]);
  });

  it('reads NUL-separated records, names may hold newlines (printed ls -b escaped)', async () => {
    const { text } = await read('5\tx/a\nb\u00007\tx\u0000', { nul: true });
    expect(text).toBe('7\tx\n5\tx/a\\nb\n');
  });

  it('warns once per unparseable line with file and line number, and keeps going', async () => {
    const { text, result, warnings } = await read('        6 a\ngarbage\n        7 b\n       12\n', { name: 'list.txt' });
    expect(text).toBe('7\tb\n6\ta\n');
    expect(result.skipped).toBe(2);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^list\.txt:2: cannot parse rclone-ls line: "garbage"$/);
    expect(warnings[1]).toMatch(/^list\.txt:4: /);
  });

  it('stops at an unknown format without adding anything', async () => {
    const { text, result } = await read(Buffer.from([0xff, 0xfe, 0, 1, 2, 10, 0x20, 0x31, 0x20, 0x61, 10]));
    expect(text).toBe('');
    expect(result.format).toBeUndefined();
    expect(result.firstLine).toMatch(/^"/);
  });

  it('skips overlong lines without holding them', async () => {
    const long = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const chunks = [Buffer.from('        1 a\n        2 '), long, Buffer.from('\n        3 c\n')];
    const { text, warnings } = await read(chunks, { maxLineLength: 1024 * 1024 });
    expect(text).toBe('3\tc\n1\ta\n');
    expect(warnings).toEqual([expect.stringMatching(/:2: line longer than 1048576 bytes skipped/)]);
  });

  // The byte path (rclone's own shape) and JSON.parse's path (a key order it does not take) alike.
  it.each<[string, string, string]>([
    ['-1 (rclone: size unknown) counts 0', '-1', '0\ta\n0\ta/b\n'],
    ['a whole number', '5', '5\ta\n5\ta/b\n'],
    ['a string is no size', '"5"', ''],
    ['another negative is no size', '-5', ''],
    ['a fraction is no size', '5.5', ''],
    ['past 2^53 is no size (a double would lose bytes)', '99999999999999999999', ''],
  ])('lsjson Size %s', async (_label, size, expected) => {
    for (const line of [`{"Path":"a/b","Name":"b","Size":${size},"IsDir":false}`, `{"IsDir":false,"Size":${size},"Name":"b","Path":"a/b","Hashes":{}}`]) {
      const { text, warnings } = await read(`[\n${line}\n]\n`);
      expect(text).toBe(expected);
      expect(warnings).toEqual(expected ? [] : [expect.stringMatching(/cannot parse lsjson line/)]);
    }
    const missing = await read('[\n{"Path":"a/b","Name":"b","IsDir":false}\n]\n');
    expect(missing.warnings).toEqual([expect.stringMatching(/cannot parse lsjson line/)]);
  });

  it('reads lsjson line by line, including a one-line array', async () => {
    const lsjson = '[\n{"Path":"d","IsDir":true,"Size":-1},\n{"Path":"d/f g","Size":5,"IsDir":false}\n]\n';
    expect((await read(lsjson)).text).toBe('5\td\n5\td/f g\n');
    expect((await read('[{"Path":"x","Size":2},{"Path":"y/z","Size":1}]')).text).toBe('2\tx\n1\ty\n1\ty/z\n');
  });

  it('keeps ls -lR sections apart and counts only non-directories', async () => {
    const ls = [
      'top:',
      'total 8',
      'drwxr-xr-x 2 root root 4096 Nov 21 20:40 sub dir',
      '-rw-r--r-- 1 root root    6 Nov 21  2024 f',
      '',
      'top/sub dir:',
      'total 4',
      '-rw-r--r-- 1 root root   10 Nov 21 20:40 -g',
      '',
    ].join('\n');
    const { text, result } = await read(ls);
    expect(result.format).toBe('ls');
    expect(text).toBe('16\ttop\n10\ttop/sub dir\n10\ttop/sub dir/-g\n6\ttop/f\n');
  });
});
