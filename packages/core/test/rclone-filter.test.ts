import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameFromBytes } from '../src/names/name-bytes.js';
import { standardPathOfLocal } from '../src/names/rclone-encoding.js';
import { seededRandom } from '../src/random/seeded-random.js';
import { globToDirGlobs, globToRcloneRegExp } from '../src/rclone/filter-glob.js';
import { excludeFromRules, parseFilterRule, RcloneFilter, type RcloneFilterRule } from '../src/rclone/filter.js';

// The judge is real rclone 1.60.1: `rclone lsjson -R --links --filter …` of a tree of awkward
// names lists exactly what RcloneFilter says it includes (a symlink X, listed as
// X.rclonelink, only when both names pass), wherever RcloneFilter gives an answer.

const RCLONE = process.env.RCLONE ?? 'rclone';
let root = '';
let conf = '';

type Kind = 'dir' | 'file' | 'link';
const entries: { path: string; kind: Kind }[] = [];

const FILES = [
  'a.jpg',
  'b.JPG',
  'notes.txt',
  'foo~',
  '.#lock',
  '.hidden',
  'x y.jpg',
  'a{b}.txt',
  'q[1].jpg',
  'q1.jpg',
  'star*.jpg',
  'what?.jpg',
  'back\\slash.jpg',
  'é.jpg',
  '日本.jpg',
  '😀.jpg',
  'a\nb.jpg',
  'tab\t.jpg',
  'del\x7f.jpg',
  'comma,name.jpg',
  'plus+dollar$.jpg',
  'paren(1).jpg',
  'caret^.jpg',
  '\u201bquote.jpg',
  '\u240alook.jpg',
  'photos/2024/x y.jpg',
  'photos/2024/b.txt',
  'photos/top.jpg',
  'dir/f.jpg',
  'dir/in/g.txt',
  'deep/dir/e.jpg',
  'deep/other/h.jpg',
  'dir.jpg/in.txt',
  'a/b/c/d.jpg',
  'ab/x.jpg',
];
const LINKS: [string, string][] = [
  ['link.jpg', 'a.jpg'],
  ['link.txt', 'a.jpg'],
  ['photos/l.jpg', '../a.jpg'],
  ['deep/dir/dangling.jpg', '/nonexistent'],
  ['dirlink', 'photos'],
  ['sp ace.jpg', 'a.jpg'],
  ['dir/d.jpg', '../a.jpg'],
  ['😀l.jpg', 'a.jpg'],
  ['nl\nlink.jpg', 'a.jpg'],
  ['a/b/c/l.jpg', 'd.jpg'],
  ['x.rclonelink.jpg', 'a.jpg'],
];
const BAD = Buffer.from('bad\xfd.jpg', 'latin1');

function walk(relative: string): void {
  const dir = relative ? join(root, relative) : root;
  for (const entry of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
    const name = nameFromBytes(entry.name);
    const path = relative ? `${relative}/${name}` : name;
    if (entry.isSymbolicLink()) entries.push({ path, kind: 'link' });
    else if (entry.isDirectory()) {
      entries.push({ path, kind: 'dir' });
      walk(path);
    } else entries.push({ path, kind: 'file' });
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rclone-filter-'));
  conf = join(root, '..', `${root.split('/').pop()}.conf`);
  writeFileSync(conf, '');
  for (const file of FILES) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), 'x');
  }
  for (const [link, target] of LINKS) symlinkSync(target, join(root, link));
  writeFileSync(Buffer.concat([Buffer.from(`${root}/`), BAD]), 'x');
  lstatSync(root);
  walk('');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(conf, { force: true });
});

/** What rclone lists (lsjson paths: standard names, bytes that are not UTF-8 as U+FFFD), or undefined when it refuses the rules. */
function rcloneListing(rules: readonly string[], excludeFrom?: string): Set<string> | undefined {
  const args = [
    'lsjson',
    '-R',
    '--links',
    '--config',
    conf,
    ...rules.flatMap((rule) => ['--filter', rule]),
    ...(excludeFrom ? ['--exclude-from', excludeFrom] : []),
    root,
  ];
  const result = spawnSync(RCLONE, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) return undefined;
  return new Set((JSON.parse(result.stdout) as { Path: string }[]).map((item) => item.Path));
}

function rcloneListingAsync(rules: readonly string[]): Promise<Set<string> | undefined> {
  const args = ['lsjson', '-R', '--links', '--config', conf, ...rules.flatMap((rule) => ['--filter', rule]), root];
  return new Promise((resolve, reject) => {
    const child = spawn(RCLONE, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve(status === 0 ? new Set((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Path: string }[]).map((item) => item.Path)) : undefined),
    );
  });
}

async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

const shown = (path: string): string => standardPathOfLocal(path).replace(/[\udc80-\udcff]/g, '\ufffd');

/** What RcloneFilter says rclone lists, and how many entries it could not judge. */
function predicted(filter: RcloneFilter): { listed: Set<string>; unknown: number } {
  const listed = new Set<string>();
  let unknown = 0;
  for (const { path, kind } of entries) {
    const standard = standardPathOfLocal(path);
    const answers = [filter.reaches(standard)];
    if (kind === 'dir') answers.push(filter.includeDirectory(standard).include);
    else answers.push(filter.includeFile(standard).include);
    if (kind === 'link') answers.push(filter.includeFile(`${standard}.rclonelink`).include);
    if (answers.includes(undefined)) unknown += 1;
    else if (!answers.includes(false)) listed.add(shown(kind === 'link' ? `${path}.rclonelink` : path));
  }
  return { listed, unknown };
}

function rulesOf(texts: readonly string[]): RcloneFilterRule[] {
  return texts.map((text) => {
    const rule = parseFilterRule(text);
    if (rule === undefined || rule === 'clear') throw new Error(`not a rule: ${text}`);
    return rule;
  });
}

const sorted = (set: Set<string>): string[] => [...set].sort();

const SETS: string[][] = [
  ['+ *.jpg', '- *'],
  ['+ *.jpg', '+ *.jpg.rclonelink', '- *'],
  ['- *.jpg'],
  ['- *.rclonelink'],
  ['- link.jpg'],
  ['- link.jpg.rclonelink'],
  ['+ *.rclonelink', '- *'],
  ['- /dir/**'],
  ['- dir/'],
  ['- dir/**'],
  ['- /dir/'],
  ['+ dir/**', '- *'],
  ['+ /dir/**', '- *'],
  ['+ dir/', '- *'],
  ['+ photos/', '+ *.jpg', '- *'],
  ['+ /photos/*.jpg', '- *'],
  ['+ photos/**/*.jpg', '- *'],
  ['+ **/*.jpg', '- *'],
  ['+ **.jpg', '- *'],
  ['- **.jpg'],
  ['+ *.{jpg,JPG}', '- *'],
  ['+ *.{jpg,JPG}', '+ *.{jpg,JPG}.rclonelink', '- **'],
  ['+ q[1].jpg', '- *'],
  ['+ q\\[1\\].jpg', '- *'],
  ['+ star\\*.jpg', '- *'],
  ['+ what?.jpg', '- *'],
  ['+ ?.jpg', '- *'],
  ['+ ??.jpg', '- *'],
  ['+ [^a]*', '- *'],
  ['+ [!a]*', '- *'],
  ['+ [a-c]*.jpg', '- *'],
  ['- /*/'],
  ['+ /*/', '- /*/*/'],
  ['- *', '+ *.jpg'],
  ['- deep/'],
  ['+ deep/dir/', '- *'],
  ['+ deep/dir/**', '- *'],
  ['+ a?b.jpg', '- *'],
  ['+ *\u240a*', '- *'],
  ['+ nl?link.jpg', '+ nl?link.jpg.rclonelink', '- *'],
  ['+ tab?.jpg', '+ del?.jpg', '- *'],
  ['+ /photos/2024/x y.jpg', '- *'],
  ['- x y.jpg'],
  ['- 2024/x y.jpg'],
  ['- /2024/x y.jpg'],
  ['+ {a,b}*', '- *'],
  ['+ {photos/**,*.txt}', '- *'],
  ['+ bad?.jpg', '- *'],
  ['+ bad\ufffd.jpg', '- *'],
  ['- .*'],
  ['+ *,*', '- *'],
  ['+ plus+dollar$.jpg', '+ paren(1).jpg', '+ caret^.jpg', '- *'],
  ['+ back\\\\slash.jpg', '- *'],
  ['+ *.jpg', '- *.rclonelink'],
  ['- *~', '- .#*', '+ *.jpg', '- *'],
  ['+ a/**', '- *'],
  ['+ a/b/', '- *'],
  ['+ /a/b/c/*', '- *'],
  ['+ a/*/c/**', '- *'],
  ['- a/*/'],
  ['+ ab/', '+ a/', '- /*/', '+ *.jpg', '- *'],
  ['+ *.jpg', '- **'],
  ['+ 😀*', '- *'],
  ['+ ?l.jpg', '+ ?l.jpg.rclonelink', '- *'],
  ['+ \u201bquote.jpg', '+ \u201b\u240alook.jpg', '- *'],
  ['+ photos//top.jpg', '- *'],
  ['+ sp ace.jpg*', '- *'],
  ['+ *.jpg', '- /'],
];

describe('RcloneFilter against rclone 1.60.1 (lsjson -R --links)', () => {
  it.each(SETS.map((rules) => [rules.join(' | '), rules]))('%s: the same entries as rclone', (_, rules) => {
    const filter = new RcloneFilter(rulesOf(rules));
    expect(filter.unsupported).toEqual([]);
    expect(filter.invalid).toEqual([]);
    const { listed, unknown } = predicted(filter);
    expect(unknown).toBe(0);
    expect(sorted(listed)).toEqual(sorted(rcloneListing(rules) ?? new Set(['rclone refused the rules'])));
  });

  it('exclude_from rules come first, read as rclone reads the file (comments, blank lines, trimmed)', () => {
    const file = join(root, '..', `${root.split('/').pop()}.exclude`);
    const text = '# comment\n; also\n\n  a.jpg  \r\n/photos/2024/x y.jpg\nlink.jpg\n*.txt\n';
    writeFileSync(file, text);
    try {
      const rules = ['+ a.jpg', '+ *.txt', '+ link.jpg*', '- *'];
      const filter = new RcloneFilter([...excludeFromRules(text), ...rulesOf(rules)]);
      expect(excludeFromRules(text).map((r) => r.glob)).toEqual(['a.jpg', '/photos/2024/x y.jpg', 'link.jpg', '*.txt']);
      const { listed, unknown } = predicted(filter);
      expect(unknown).toBe(0);
      expect(sorted(listed)).toEqual(sorted(rcloneListing(rules, file) ?? new Set()));
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('random rule sets: every answer it gives is rclone’s; a set rclone refuses is one it calls invalid (or cannot read)', async () => {
    const random = seededRandom(1960);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const TOKENS = [
      '*',
      '**',
      '?',
      'a',
      'jpg',
      '.',
      '/',
      'dir',
      'photos',
      '[ab]',
      '[!a]',
      '[^.]',
      '{a,b*}',
      '{jpg,txt}',
      '\\*',
      ' ',
      'é',
      '.rclonelink',
      'x y',
      'l',
      'deep',
      '{',
    ];
    const sets: string[][] = [];
    for (let round = 0; round < 160; round++) {
      const rules: string[] = [];
      const count = 1 + Math.floor(random() * 3);
      for (let i = 0; i < count; i++) {
        const length = 1 + Math.floor(random() * 4);
        let glob = random() < 0.3 ? '/' : '';
        for (let t = 0; t < length; t++) glob += pick(TOKENS);
        if (random() < 0.2) glob += '/';
        rules.push(`${random() < 0.5 ? '+' : '-'} ${glob}`);
      }
      if (random() < 0.6) rules.push(pick(['- *', '- **']));
      sets.push(rules);
    }
    const listings = await inParallel(sets, 8, (rules) => rcloneListingAsync(rules));
    let compared = 0;
    sets.forEach((rules, index) => {
      const filter = new RcloneFilter(rulesOf(rules));
      const listing = listings[index];
      if (listing === undefined) {
        // rclone refuses a {{regexp}} that Go cannot compile: this port reads none of them.
        expect(filter.invalid.length + filter.unsupported.length, rules.join(' | ')).toBeGreaterThan(0);
        return;
      }
      expect(filter.invalid, rules.join(' | ')).toEqual([]);
      const { listed, unknown } = predicted(filter);
      if (filter.unsupported.length === 0) expect(unknown, rules.join(' | ')).toBe(0);
      if (unknown > 0) return;
      compared += 1;
      expect(sorted(listed), rules.join(' | ')).toEqual(sorted(listing));
    });
    expect(compared).toBeGreaterThan(100);
  });

  it('a {{regexp}} rule, a Go escape or class is unsupported: no answer where it could decide, answers before it', () => {
    const filter = new RcloneFilter(rulesOf(['- a.jpg', '+ {{.*\\.jpg}}', '+ \\d.jpg', '+ [[:alpha:]]', '- *']));
    expect(filter.unsupported.map((u) => u.rule)).toEqual([1, 2, 3]);
    expect(filter.includeFile('a.jpg').include).toBe(false);
    expect(filter.includeFile('b.jpg').include).toBeUndefined();
    expect(new RcloneFilter(rulesOf(['- a***'])).invalid.length).toBe(1);
  });
});

describe('glob translation details (rclone glob.go)', () => {
  it.each([
    ['*.jpg', '(?:^|/)[^/]*\\.jpg$'],
    ['/a/**', '^a/[^\\n]*$'],
    ['a/b', '(?:^|/)a/b$'],
    ['{a,b}?', '(?:^|/)(?:a|b)[^/]$'],
    ['x\\*y', '(?:^|/)x\\*y$'],
  ])('%s → %s', (glob, regexp) => expect(globToRcloneRegExp(glob)).toMatchObject({ regexp }));

  it.each([
    ['*.jpg', ['/**']],
    ['dir/**', ['dir/**/', 'dir/']],
    ['/a/b/*.jpg', ['/a/b/', '/a/', '/']],
    ['{a/b,c}', ['/**']],
    ['a//b', ['a/']],
  ])('directory globs of %s', (glob, dirs) => expect(globToDirGlobs(glob)).toEqual(dirs));
});
