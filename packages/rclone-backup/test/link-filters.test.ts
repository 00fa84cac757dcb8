import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

// rclone 1.60.1's --links backs a symlink X up (as X.rclonelink) only when both X and
// X.rclonelink pass the filters. The sync names, at warning level, every link that one name
// lets through and the other drops, on every run; real rclone syncs into a local directory,
// so each test also checks that a link named is really missing there, and one not named is not.

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

const LINKS = ['a.jpg', 'photos/b.jpg', 'photos/2024/c.jpg', 'notes.txt', 'dir/d.jpg', 'deep/dir/e.jpg'];

function setup(filters: string, settings = '', links = LINKS) {
  const dir = tempDir('rb-link-filters-');
  dirs.push(dir);
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  writeTree(src, { 'real.jpg': 'jpeg', 'photos/p.jpg': 'p', 'photos/2024/q.jpg': 'q', 'dir/f.jpg': 'f', 'deep/dir/g.jpg': 'g', 'readme.txt': 'r' });
  for (const link of links) {
    mkdirSync(join(src, link, '..'), { recursive: true });
    symlinkSync('/srv/real.jpg', join(src, link));
  }
  const conf = writeConfig(dir, 'photos', `[default]\nsource = ${src}\ndestination = ${dst}\n${settings}\n[filters]\n${filters}\n`);
  return { dir, src, dst, conf, lock: ['--lock-dir', dir] };
}

/** The links named in the warnings (the indented lines), and whether a "… and N more" follows. */
const named = (err: string): string[] =>
  err
    .split('\n')
    .filter((line) => line.startsWith('  ') && !line.startsWith('  …'))
    .map((line) => line.trim().replace(/: .*$/, ''))
    .sort();

/** Whether the link arrived at the (local) destination as a link. */
const arrived = (dst: string, link: string): boolean => lstatSync(join(dst, link), { throwIfNoEntry: false })?.isSymbolicLink() ?? false;

describe('symlinks the filters drop under one of their two names are named (rclone --links)', () => {
  it('the photo config (+ *.jpg, - *): each .jpg link named with the rule to add, on every run; the rule brings them back', async () => {
    const t = setup('+ *.jpg\n- *');
    const first = await run([t.conf, ...t.lock]);
    expect(first.code).toBe(0);
    const jpgLinks = LINKS.filter((l) => l.endsWith('.jpg')).sort();
    expect(named(first.err)).toEqual(jpgLinks);
    expect(first.err).toContain(
      `5 symlinks are not backed up: rclone's --links stores a symlink X as X.rclonelink and backs it up only when both names pass the filters; their own names pass, but "- *" ([filters]) excludes the names they are stored under (X.rclonelink); add "+ *.jpg.rclonelink" to [filters] before "- *", or set copy_links = yes:`,
    );
    expect(first.err).toContain('\n  photos/2024/c.jpg: photos/2024/c.jpg.rclonelink is excluded\n');
    // What is named is what rclone left out.
    for (const link of LINKS) expect(arrived(t.dst, link)).toBe(false);
    expect(lstatSync(join(t.dst, 'photos/2024/q.jpg')).isFile()).toBe(true);
    // Unchanged: the directories are not read again (the record keeps their symlinks), the notice stays.
    const again = await run([t.conf, ...t.lock]);
    expect(again.code).toBe(0);
    expect(again.err).toBe(first.err);
    const cache = readFileSync(
      join(
        t.dir,
        readdirSync(t.dir).find((n) => n.endsWith('.links.json'))!,
      ),
      'utf8',
    );
    expect(JSON.parse(cache)).toMatchObject({ version: 2, dirs: { 'photos/2024': { links: ['photos/2024/c.jpg'] } } });
    // The rule it names works.
    writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('- *', '+ *.jpg.rclonelink\n- *'));
    const fixed = await run([t.conf, ...t.lock]);
    expect(fixed.code).toBe(0);
    expect(fixed.err).toBe('');
    for (const link of jpgLinks) expect(arrived(t.dst, link)).toBe(true);
    expect(arrived(t.dst, 'notes.txt')).toBe(false);
  });

  it.each([
    ['without max_delete (SOURCE walked before the sync)', 'max_delete = off\n'],
    ['in a dry run', '', ['-n']],
    ['with --force', '', ['--force']],
  ])('names them %s too', async (_what, settings, flags: string[] = []) => {
    const t = setup('+ *.jpg\n- *', settings);
    const result = await run([t.conf, ...flags, ...t.lock]);
    expect(result.code).toBe(0);
    expect(named(result.err)).toEqual(LINKS.filter((l) => l.endsWith('.jpg')).sort());
    expect(result.err).toContain('add "+ *.jpg.rclonelink" to [filters] before "- *"');
  });

  it.each([
    ['no filters', ''],
    ['the links own names excluded (- *.jpg), as a file of that name would be', '- *.jpg'],
    ['every link excluded on purpose (- *.rclonelink)', '- *.rclonelink'],
    ['both names excluded (- *)', '+ readme.txt\n- *'],
    ['a directory excluded (- /dir/**)', '- /dir/**'],
    ['a directory excluded (- dir/)', '- dir/'],
    ['a directory rclone does not enter (+ /photos/*.jpg, - *)', '+ /photos/*.jpg\n+ /photos/*.jpg.rclonelink\n- *'],
    ['both names admitted (+ *.jpg, + *.jpg.rclonelink, - *)', '+ *.jpg\n+ *.jpg.rclonelink\n- *'],
    ['both names admitted by one rule (+ photos/**, - *)', '+ photos/**\n- *'],
  ])('no notice when what is left out is what the rules say: %s', async (_what, filters) => {
    const t = setup(filters);
    const result = await run([t.conf, ...t.lock]);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
  });

  it('the opposite case (+ *.rclonelink admits the stored names, - * drops the own names): named with an exact rule each', async () => {
    const t = setup('+ *.rclonelink\n+ *.txt\n- *');
    const result = await run([t.conf, ...t.lock]);
    expect(result.code).toBe(0);
    const jpgLinks = LINKS.filter((l) => l.endsWith('.jpg')).sort();
    expect(named(result.err)).toEqual(jpgLinks);
    expect(result.err).toContain(
      `"+ *.rclonelink" ([filters]) admits the names they are stored under (X.rclonelink), but "- *" ([filters]) excludes their own names; add the rule shown for each to [filters] before "- *", or set copy_links = yes:`,
    );
    expect(result.err).toContain('\n  photos/2024/c.jpg: photos/2024/c.jpg is excluded; add "+ /photos/2024/c.jpg"\n');
    for (const link of jpgLinks) expect(arrived(t.dst, link)).toBe(false);
    expect(arrived(t.dst, 'notes.txt')).toBe(true);
  });

  it('a link admitted by an exact rule gets the stored name\'s rule for its pattern; one admitted by no rule an exact rule (glob characters escaped), which works', async () => {
    const t = setup('+ /a.jpg\n- *link', '', ['a.jpg', 'odd [1] {x}*.jpg']);
    const result = await run([t.conf, ...t.lock]);
    expect(result.code).toBe(0);
    expect(result.err).toContain('1 symlink is not backed up');
    expect(result.err).toContain('add "+ /a.jpg.rclonelink" to [filters] before "- *link"');
    expect(result.err).toContain('\n  odd [1] {x}*.jpg: odd [1] {x}*.jpg.rclonelink is excluded; add "+ /odd \\[1\\] \\{x\\}\\*.jpg.rclonelink"\n');
    writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('- *link', '+ /a.jpg.rclonelink\n+ /odd \\[1\\] \\{x\\}\\*.jpg.rclonelink\n- *link'));
    const fixed = await run([t.conf, ...t.lock]);
    expect(fixed.err).toBe('');
    expect(arrived(t.dst, 'a.jpg')).toBe(true);
    expect(arrived(t.dst, 'odd [1] {x}*.jpg')).toBe(true);
  });

  it('an exclude_from rule (applied before [filters]) that drops the stored names is named with its file', async () => {
    const t = setup('', '', ['a.jpg', 'photos/b.jpg']);
    writeFileSync(join(t.dir, 'os.exclude'), '# made by hand\n*link\n');
    writeConfig(t.dir, 'photos', readFileSync(t.conf, 'utf8').replace('[filters]', `exclude_from = os.exclude\n[filters]`));
    const result = await run([t.conf, ...t.lock]);
    expect(result.code).toBe(0);
    expect(named(result.err)).toEqual(['a.jpg', 'photos/b.jpg']);
    expect(result.err).toContain(
      `"- *link" (exclude_from ${join(t.dir, 'os.exclude')}) excludes the names they are stored under (X.rclonelink); exclude_from's rules come before [filters], so only taking that rule out of ${join(t.dir, 'os.exclude')} or copy_links = yes backs them up:`,
    );
    expect(arrived(t.dst, 'a.jpg')).toBe(false);
  });

  it('many links: the first 10 named, then how many more', async () => {
    const links = Array.from({ length: 25 }, (_, i) => `many/l${String(i).padStart(2, '0')}.jpg`);
    const t = setup('+ *.jpg\n- *', '', links);
    const result = await run([t.conf, ...t.lock]);
    expect(result.code).toBe(0);
    expect(named(result.err)).toEqual(links.slice(0, 10));
    expect(result.err).toContain('25 symlinks are not backed up');
    expect(result.err).toMatch(/\n {2}many\/l09\.jpg: many\/l09\.jpg\.rclonelink is excluded\n {2}… and 15 more\n$/);
  });

  it('a rule it cannot read exactly ({{regexp}}) before the deciding one: nothing claimed; -v says the links were not checked', async () => {
    const t = setup('+ {{.*\\.jpg}}\n- *', '', ['a.jpg']);
    const quiet = await run([t.conf, ...t.lock]);
    expect(quiet.code).toBe(0);
    expect(quiet.err).toBe('');
    const verbose = await run([t.conf, '-v', ...t.lock]);
    expect(verbose.err).toContain(
      'rclone-backup: 1 symlink(s) not checked against the filters: "+ {{.*\\.jpg}}" uses a {{regexp}}, which this check does not read',
    );
  });

  it('-q hides the notice (it is a warning)', async () => {
    const t = setup('+ *.jpg\n- *');
    const result = await run([t.conf, '-q', ...t.lock]);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
  });
});
