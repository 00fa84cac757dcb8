import { afterAll, describe, expect, it } from 'vitest';
import { isCommentOrBlank, parseConfigText, parseMaxDelete } from '../src/config.js';
import { splitCommandLine } from '../src/pre-command.js';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

const good = `# a backup
  ; also a comment
[default]
# comments stand on their own lines
source = /srv/photos
destination = b2crypt:photos
archive_specials = No
copy_links = TRUE
pre_command = /usr/local/bin/mount-nas "my share" --fast
require_mount = 1
sentinel = .backup-sentinel
min_files = 10
max_delete = 100, 10G
exclude_from = lists/os-files.exclude

[filters]
- *.tmp
+ /important/**
- /scratch/**

[test-filters]
+ /videos/**
`;

describe('parseConfigText', () => {
  it('reads every key, comments and filters in order', () => {
    const c = parseConfigText(good, '/etc/rclone-backups/x.conf');
    expect(c).toMatchObject({
      name: 'x',
      source: '/srv/photos',
      destination: 'b2crypt:photos',
      archiveSpecials: false,
      copyLinks: true,
      preCommand: '/usr/local/bin/mount-nas "my share" --fast',
      requireMount: true,
      sentinel: '.backup-sentinel',
      excludeFrom: '/etc/rclone-backups/lists/os-files.exclude', // relative to the config's directory
      minFiles: 10,
      maxDelete: [{ kind: 'count', value: 100 }, { kind: 'bytes', value: 10 * 1024 ** 3 }],
      filters: ['- *.tmp', '+ /important/**', '- /scratch/**'],
      testFilters: ['+ /videos/**'],
      warnings: [],
    });
  });
  it('keeps a # that is part of a rule or value (no trailing comments), and warns about it', () => {
    const text = '[default]\nsource = /srv/Photos #2\ndestination = b2crypt:photos#x\n[filters]\n- /Photos #2/**\n- .#*\n+ /a#b\n[test-filters]\n+ /videos/**   # seen\n';
    const c = parseConfigText(text, 'h.conf');
    expect(c.source).toBe('/srv/Photos #2');
    expect(c.destination).toBe('b2crypt:photos#x');
    expect(c.filters).toEqual(['- /Photos #2/**', '- .#*', '+ /a#b']);
    expect(c.testFilters).toEqual(['+ /videos/**   # seen']);
    expect(c.warnings).toEqual([
      'h.conf:2: the "#" is part of the value of source ("/srv/Photos #2"); comments must be on their own line',
      'h.conf:5: the "#" is part of the rule ("- /Photos #2/**"); comments must be on their own line',
      'h.conf:9: the "#" is part of the rule ("+ /videos/**   # seen"); comments must be on their own line',
    ]);
  });
  it('drops white space at the end of a rule, as rclone filter files do, and says so', () => {
    const c = parseConfigText('[default]\nsource=/a\ndestination=/b\n[filters]\n+ /keep \r\n- *\t\n+ /ok[ ]\n', 's.conf');
    expect(c.filters).toEqual(['+ /keep', '- *', '+ /ok[ ]']);
    expect(c.warnings).toEqual([
      's.conf:5: the white space at the end of the rule "+ /keep " is ignored, as in rclone\'s filter files: the rule is "+ /keep"; to match a name that ends in a space, write "[ ]" for it',
      's.conf:6: the white space at the end of the rule "- *\\t" is ignored, as in rclone\'s filter files: the rule is "- *"; to match a name that ends in a space, write "[ ]" for it',
    ]);
  });
  it('has defaults: archive_specials yes, copy_links from the command line, max_delete 50%', () => {
    const c = parseConfigText('[default]\nsource=/a\ndestination=/b\n', 'd.conf');
    expect(c.archiveSpecials).toBe(true);
    expect(c.copyLinks).toBeUndefined();
    expect(c.maxDelete).toEqual([{ kind: 'percent', value: 50 }]);
    expect(c.requireMount).toBe(false);
  });
  it.each([
    ['[bogus]\n', /b\.conf:1: unknown section \[bogus\]/],
    ['[default]\nsource=/a\ncolour = red\n', /b\.conf:3: unknown key "colour"/],
    ['[default]\nsource=/a\ndestination=/b\n[filters]\n*.tmp\n', /b\.conf:5: filter rule must start/],
    ['source=/a\n', /b\.conf:1: setting outside a section/],
    ['[default]\nsource=/a\ndestination=/b\narchive_specials = maybe\n', /b\.conf:4: archive_specials: expected yes\/no/],
    ['[default]\nsource=/a\nsource=/c\n', /b\.conf:3: duplicate key/],
    ['[default]\nsource=/a\ndestination=/b\nmin_files = many\n', /b\.conf:4: min_files/],
    ['[default]\nsource=/a\ndestination=/b\nmax_delete = lots\n', /b\.conf:4: max_delete/],
    ['[default]\nsource=/a\ndestination=/b\nmax_delete = 150%\n', /b\.conf:4: max_delete: "150%" is more than all of the files/],
    ['[default]\nsource=/a\n', /b\.conf: missing required key "destination"/],
    ['[default]\njust words\n', /b\.conf:2: expected key = value/],
    ['[default] # main\nsource=/a\n', /b\.conf:1: section header must be the whole line/],
    ['[default]\nsource=/a\ndestination=/b\n[filters]\n+ /a/** # keep\n*.tmp # junk\n', /b\.conf:6: filter rule must start/],
  ])('%j → %s', (text, error) => {
    expect(() => parseConfigText(text, 'b.conf')).toThrow(error);
  });
  it.each([
    ['off', []],
    ['25%', [{ kind: 'percent', value: 25 }]],
    ['0', [{ kind: 'count', value: 0 }]],
    ['1.5M', [{ kind: 'bytes', value: 1572864 }]],
  ])('max_delete %s', (text, limits) => expect(parseMaxDelete(text, 'x')).toEqual(limits));
  it.each([
    ['# whole', true],
    ['   # indented', true],
    ['; semicolon', true],
    ['  ', true],
    ['- .#*', false],
    ['+ /a #b', false],
    ['a#b', false],
  ])('isCommentOrBlank(%j) = %s', (line, out) => expect(isCommentOrBlank(line)).toBe(out));
});

describe('splitCommandLine', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    [`/bin/x "my share" 'it''s' a\\ b`, ['/bin/x', 'my share', 'its', 'a b']],
    [`echo "q\\"x" ''`, ['echo', 'q"x', '']],
  ])('%s', (text, words) => expect(splitCommandLine(text)).toEqual(words));
  it('rejects an unterminated quote', () => expect(() => splitCommandLine('a "b')).toThrow(/unterminated/));
});

describe('command line errors → exit 2', () => {
  const dir = tempDir();
  afterAll(() => cleanup(dir));
  const conf = writeConfig(dir, 'bad', '[default]\nsource = /tmp\ndestination = /tmp/x\nwhat = ever\n');
  const ok = writeConfig(dir, 'ok', `[default]\nsource = ${dir}\ndestination = ${dir}/dst\n[filters]\n- *.tmp\n+ /a/**\n`);
  const missingList = writeConfig(dir, 'list', `[default]\nsource = ${dir}\ndestination = ${dir}/dst\nexclude_from = no-such.exclude\n`);
  // A FIFO would make an open for reading wait for a writer: refused at its line, at once.
  execFileSync('mkfifo', [join(dir, 'fifo.exclude')]);
  const fifoList = writeConfig(dir, 'fifolist', `[default]\nsource = ${dir}\ndestination = ${dir}/dst\nexclude_from = fifo.exclude\n`);
  it.each([
    [[conf], /bad\.conf:4: unknown key "what"/],
    [[ok, '--ls', '--newest'], /conflicting commands: --ls, --newest/],
    [[ok, '--verify', 'all', '--filters'], /conflicting commands/],
    [[ok, '--bogus'], /^rclone-backup: unknown option --bogus \(see --help\)\n$/],
    [[ok, '--verify', 'all', '--verify-mode', 'foo'], /^rclone-backup: invalid value "foo" for --verify-mode: expected one of download, hash\n$/],
    [[ok, '--batch-size', 'abc'], /invalid value "abc" for --batch-size/],
    [[ok, '--seed', 'abc'], /invalid value "abc" for --seed/],
    [[], /missing config file/],
    [[ok, '--verify', 'all', '--verify', 'age=1d'], /cannot be combined/],
    [[ok, '--verify', 'data=lots'], /invalid size|data=/],
    [[ok, '--max-age', '7d'], /--max-age only goes with --audit/],
    // Accepted and then ignored would be silent: each is refused where it means nothing.
    [[ok, '--ledger', 'l.json'], /^rclone-backup: --ledger only goes with --verify\n/],
    [[ok, '--ls', '--verify-mode', 'hash'], /--verify-mode only goes with --verify/],
    [[ok, '--batch-size', '5'], /--batch-size only goes with --verify/],
    [[ok, '--seed=5'], /--seed only goes with --verify/],
    [[ok, '--coverage-window', '30d'], /--coverage-window only goes with --verify/],
    [[ok, '--verify', 'all', '--rotate'], /--rotate only goes with --ledger/],
    [[ok, '--verify', 'files=5', '--verify', 'files=1'], /--verify files=5 and --verify files=1: give each kind of condition once/],
    [[ok, '--verify', 'files=150%'], /--verify files=150%: bad amount/],
    [[ok, '--ls', '--json'], /--json does not go with --ls/],
    [[ok, '--newest', '--json'], /--json does not go with --newest/],
    [[ok, '--filters', '--json'], /--json does not go with --filters/],
    [[missingList], /list\.conf:4: exclude_from: cannot open ".*\/no-such\.exclude": no such file or directory/],
    [[fifoList], /fifolist\.conf:4: exclude_from: ".*\/fifo\.exclude" is not a file/],
    [[`${dir}/none.conf`], /^rclone-backup: cannot open ".*\/none\.conf": no such file or directory\n$/],
  ])('%j', async (argv, message) => {
    const result = await run(argv as string[]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
  it('warns (not at -q) that a # after white space is part of the rule', async () => {
    const hashed = writeConfig(dir, 'hashed', `[default]\nsource = ${dir}\ndestination = ${dir}/dst\n[filters]\n- /Photos #2/**\n`);
    const shown = await run([hashed, '--filters']);
    expect(shown).toMatchObject({ code: 0, out: '- *~\n- .#*\n- /Photos #2/**\n' });
    expect(shown.err).toMatch(/hashed\.conf:5: the "#" is part of the rule \("- \/Photos #2\/\*\*"\)/);
    const quiet = await run([hashed, '--filters', '-q']);
    expect(quiet).toMatchObject({ code: 0, err: '' });
  });
  it('rclone gets the rule with its # (--ls)', async () => {
    const src = join(dir, 'hash-src');
    writeTree(src, { 'Photos #2/a.jpg': 'a', 'Photos #2/b.jpg': 'b', 'Photos/c.jpg': 'c', 'd.txt': 'd' });
    const hashed = writeConfig(dir, 'hashls', `[default]\nsource = ${src}\ndestination = ${dir}/dst\n[filters]\n- /Photos #2/**\n`);
    const listed = await run([hashed, '--ls', '-q']);
    expect(listed.code).toBe(0);
    expect(listed.out.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(1).join(' ')).sort()).toEqual(['Photos/c.jpg', 'd.txt']);
  });
  it('a rule\'s trailing space: dropped with a warning, as rclone drops it; "[ ]" matches a name ending in one (--ls, real rclone)', async () => {
    const src = join(dir, 'space-src');
    writeTree(src, { keep: 'a', 'keep ': 'b', other: 'c' });
    const listed = async (rule: string) => {
      const conf = writeConfig(dir, 'space', `[default]\nsource = ${src}\ndestination = ${dir}/dst\n[filters]\n${rule}\n- *\n`);
      const result = await run([conf, '--ls']);
      expect(result.code).toBe(0);
      return { names: result.out.split('\n').filter(Boolean).map((l) => l.replace(/^ *\d+ /, '')), err: result.err };
    };
    const trimmed = await listed('+ /keep ');
    expect(trimmed.names).toEqual(['keep']);
    expect(trimmed.err).toMatch(/space\.conf:5: the white space at the end of the rule "\+ \/keep " is ignored/);
    expect(await listed('+ /keep[ ]')).toEqual({ names: ['keep '], err: '' });
  });
  it('--copy-links against copy_links in the config: the command line wins, and says so', async () => {
    const conf = writeConfig(dir, 'links', `[default]\nsource = ${dir}\ndestination = ${dir}/dst\ncopy_links = no\n[filters]\n- *\n`);
    const overridden = await run([conf, '--ls', '--copy-links']);
    expect(overridden).toMatchObject({ code: 0, err: expect.stringMatching(/--copy-links overrides copy_links = no in .*links\.conf for this run/) as unknown });
    expect((await run([conf, '--ls', '--no-copy-links'])).err).toBe('');
  });
  it('--filters prints the rules', async () => {
    const result = await run([ok, '--filters']);
    expect(result).toMatchObject({ code: 0, out: '- *~\n- .#*\n- *.tmp\n+ /a/**\n' });
    writeFileSync(join(dir, 'os.exclude'), '/etc/passwd\n');
    const listed = writeConfig(dir, 'listed', `[default]\nsource = ${dir}\ndestination = ${dir}/dst\nexclude_from = os.exclude\n[filters]\n- *.tmp\n`);
    expect(await run([listed, '--filters'])).toMatchObject({ code: 0, out: `# exclude_from ${join(dir, 'os.exclude')}: rclone applies its rules before these\n- *~\n- .#*\n- *.tmp\n` });
  });
});
