// A private root installed into by real dpkg (`dpkg --root`), read back with --root: names
// that need escaping, diversions, merged-/usr links, overwritten files, the state file, and
// the lists fed to real rclone and rsync.
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, dpkgInRoot, emptyRoot } from './helpers/deb.js';
import { listed, runTool } from './helpers/run.js';

/** Names that an unescaped rule would wrongly match (not package files: they must stay in the backup). */
const DECOYS = [
  'aXb',
  'ab',
  'qZ',
  'brx',
  'br[x]x',
  'backslash',
  'brace1',
  'brace{1,2}x',
  'trailing space',
  'trailing space  ',
  'leading',
  'two spaces',
  'starX[q]?\\',
];
const ODD = ['a*b', 'q?', 'br[x]', 'back\\slash', 'brace{1,2}', 'trailing space ', ' leading', 'uni-é', '#hash', 'two  spaces', 'star*[q]?\\'];
let root: string;
let work: string;

beforeAll(async () => {
  root = await emptyRoot();
  work = await mkdtemp(join(tmpdir(), 'upf-work-'));
  await mkdir(join(root, 'usr/bin'), { recursive: true });
  await symlink('usr/bin', join(root, 'bin')); // merged /usr, as Debian 12
  // A local diversion made before the package comes: dpkg installs plain.txt at .orig.
  await execa('dpkg-divert', [`--root=${root}`, '--local', '--divert', '/usr/share/odd/diverted.txt.orig', '--add', '/usr/share/odd/diverted.txt']);
  const files: Record<string, string> = {
    '/bin/tool': 'tool\n',
    '/usr/share/odd/plain.txt': 'plain\n',
    '/usr/share/odd/diverted.txt': 'diverted\n',
    '/usr/share/shared/same': 'same\n',
    '/usr/share/shared/taken': 'first\n',
    '/etc/odd.conf': 'setting=1\n',
  };
  for (const name of ODD) files[`/usr/share/odd/${name}`] = `${name}\n`;
  await dpkgInRoot(root, ['-i', await buildDeb({ name: 'odd', architecture: 'amd64', files, conffiles: ['/etc/odd.conf'] })]);
  // A second package shipping one file identically and taking over another with new content.
  const second = await buildDeb({ name: 'second', files: { '/usr/share/shared/same': 'same\n', '/usr/share/shared/taken': 'second\n' } });
  await dpkgInRoot(root, ['--force-overwrite', '-i', second]);
  for (const name of DECOYS) await writeFile(join(root, 'usr/share/odd', name), 'decoy\n');
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

const pathsOf = async (extra: string[] = []): Promise<string[]> => {
  const result = await runTool(['--root', root, '--syntax', 'paths', ...extra]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return listed(result.out);
};

describe('a dpkg database under --root', () => {
  it('lists every unchanged file where a backup sees it, and keeps what is in doubt', async () => {
    const paths = await pathsOf();
    expect(paths).toContain('/usr/share/odd/plain.txt');
    expect(paths).toContain('/etc/odd.conf'); // an unchanged conffile is the package's
    for (const name of ODD) expect(paths).toContain(`/usr/share/odd/${name}`);
    // merged /usr: the package says /bin/tool, the backup walks /usr/bin/tool
    expect(paths).toContain('/usr/bin/tool');
    expect(paths).not.toContain('/bin/tool');
    // the diversion moved the package's file; the diverted name is not the package's
    expect(paths).toContain('/usr/share/odd/diverted.txt.orig');
    expect(paths).not.toContain('/usr/share/odd/diverted.txt');
    // two owners, one digest: excluded; two owners disagreeing (a file taken over): kept
    expect(paths).toContain('/usr/share/shared/same');
    expect(paths).not.toContain('/usr/share/shared/taken');
    expect(paths).toEqual([...paths].sort());
  });

  it('says why a file is kept with -v', async () => {
    const result = await runTool(['--root', root, '-v']);
    expect(result.err).toContain('conflicting: "/usr/share/shared/taken" (odd:amd64, second)');
    expect(result.err).toMatch(/files of 2 packages .* 1 with disagreeing owners/);
  });

  it.each([
    ['rclone', ['lsf', '-R', '--files-only', '--exclude-from']],
    ['rsync', []],
  ])('a %s exclude list leaves exactly the changed package files in the backup', async (syntax) => {
    const list = join(work, `${syntax}.exclude`);
    expect((await runTool(['--root', root, '--syntax', syntax, '-o', list])).code).toBe(0);
    const seen = await backedUp(syntax, list);
    const packageFiles = seen.filter((path) => path.startsWith('usr/share/odd/') || path === 'usr/bin/tool' || path === 'etc/odd.conf');
    expect(packageFiles.sort()).toEqual(DECOYS.map((name) => `usr/share/odd/${name}`).sort());
    expect(seen).toContain('usr/share/shared/taken'); // kept: owners disagree
    expect(seen).toContain('var/lib/dpkg/status'); // not a package file
  });

  it('rsync reads a NUL-separated list (-0, rsync --from0)', async () => {
    const list = join(work, 'rsync0.exclude');
    expect((await runTool(['--root', root, '--syntax', 'rsync', '-0', '-o', list])).code).toBe(0);
    expect(await readFile(list, 'utf8')).toContain('/usr/share/odd/trailing space \0');
    const seen = await backedUp('rsync', list, ['--from0']);
    expect(seen.filter((path) => path.startsWith('usr/share/odd/')).sort()).toEqual(DECOYS.map((name) => `usr/share/odd/${name}`).sort());
  });
});

/** What a backup of ROOT with the exclude list copies: relative paths of files. */
async function backedUp(syntax: string, list: string, extra: string[] = []): Promise<string[]> {
  if (syntax === 'rclone') {
    const { stdout } = await execa('rclone', ['lsf', '-R', '--files-only', '--exclude-from', list, root]);
    return stdout.split('\n').filter(Boolean);
  }
  const dest = await mkdtemp(join(work, 'rsync-'));
  await execa('rsync', ['-a', ...extra, `--exclude-from=${list}`, `${root}/`, `${dest}/`]);
  const { stdout } = await execa('find', ['.', '-type', 'f', '-printf', '%P\\n'], { cwd: dest });
  return stdout.split('\n').filter(Boolean);
}

describe('changes leave the list', () => {
  it('a modified file and an edited conffile are kept, the rest still excluded', async () => {
    await appendFile(join(root, 'usr/share/odd/plain.txt'), 'local change\n');
    await writeFile(join(root, 'etc/odd.conf'), 'setting=2\n');
    const result = await runTool(['--root', root, '-v', '--syntax', 'paths']);
    expect(result.code).toBe(0);
    expect(listed(result.out)).not.toContain('/usr/share/odd/plain.txt');
    expect(listed(result.out)).not.toContain('/etc/odd.conf');
    expect(listed(result.out)).toContain('/usr/share/odd/a*b');
    expect(result.err).toContain('changed conffile: "/etc/odd.conf" (odd:amd64)');
    expect(result.err).toContain('changed: "/usr/share/odd/plain.txt" (odd:amd64)');
  });

  it('the state file spares re-hashing, yet catches a same-size edit whose mtime was put back', async () => {
    const state = join(work, 'state');
    const first = JSON.parse((await runTool(['--root', root, '--state', state, '--json', '-o', join(work, 'l1')])).out) as {
      hashed: number;
      fromState: number;
      unchanged: number;
    };
    expect(first.hashed).toBeGreaterThan(10);
    const again = JSON.parse((await runTool(['--root', root, '--state', state, '--json', '-o', join(work, 'l2')])).out) as typeof first;
    expect(again).toMatchObject({ hashed: 0, fromState: first.hashed, unchanged: first.unchanged });
    expect(await readFile(join(work, 'l2'), 'utf8')).toBe(await readFile(join(work, 'l1'), 'utf8'));

    // Same size, same mtime (as `touch -r` restores it): only ctime tells.
    const file = join(root, 'usr/share/odd/uni-é');
    const before = await stat(file);
    await writeFile(file, 'UNI-é\n'.normalize());
    await utimes(file, before.atime, before.mtime);
    expect((await stat(file)).size).toBe(before.size);
    const third = await runTool(['--root', root, '--state', state, '--syntax', 'paths']);
    expect(listed(third.out)).not.toContain('/usr/share/odd/uni-é');
    expect(listed(third.out)).toContain('/usr/share/odd/a*b');
  });

  it('a conffile recorded without a usable digest (newconffile) stays in the backup', async () => {
    await writeFile(join(root, 'etc/odd.conf'), 'setting=1\n'); // back to the package's content
    expect(await pathsOf()).toContain('/etc/odd.conf');
    const status = join(root, 'var/lib/dpkg/status');
    const text = await readFile(status, 'utf8');
    await writeFile(status, text.replace(/^ \/etc\/odd\.conf [0-9a-f]{32}$/m, ' /etc/odd.conf newconffile'));
    try {
      const paths = await pathsOf();
      expect(paths).not.toContain('/etc/odd.conf');
      expect(paths).toContain('/usr/share/odd/a*b');
    } finally {
      await writeFile(status, text);
    }
  });

  it('a removed package (config-files state) leaves its conffile in the backup', async () => {
    await writeFile(join(root, 'etc/odd.conf'), 'setting=1\n'); // back to the package's content
    expect(await pathsOf()).toContain('/etc/odd.conf');
    await dpkgInRoot(root, ['--force-remove-essential', '-r', 'second']);
    await dpkgInRoot(root, ['-r', 'odd:amd64']);
    const paths = await pathsOf();
    expect(paths).not.toContain('/etc/odd.conf');
    expect(paths).toEqual([]);
  });
});

describe('usage', () => {
  it.each([
    [['--json'], 'unchanged-package-files: --json prints the summary on standard output; give the list a file with --output\n'],
    [['--syntax', 'tar'], 'unchanged-package-files: invalid value "tar" for --syntax: expected one of rclone, rsync, paths\n'],
  ])('%j is refused with exit 2', async (argv, message) => {
    const result = await runTool(['--root', '/nonexistent', ...argv]);
    expect({ code: result.code, err: result.err, out: result.out }).toEqual({ code: 2, err: message, out: '' });
  });

  it('a missing dpkg database is exit 2, naming it', async () => {
    const result = await runTool(['--root', join(work, 'nothing-here')]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^unchanged-package-files: cannot read the dpkg database in ".*nothing-here\/var\/lib\/dpkg": no such file or directory\n$/);
  });

  it('a wrong --admindir is exit 2, naming it, even where an rpm database exists (never a quiet turn to rpm)', async () => {
    const result = await runTool(['--root', '/', '--admindir', join(work, 'no-dpkg-here'), '--json', '-o', join(work, 'never.list')]);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toMatch(/^unchanged-package-files: cannot read the dpkg database in ".*no-dpkg-here": no such file or directory\n$/);
  });

  it('a package named with --package that is not installed is exit 1', async () => {
    const result = await runTool(['--root', root, '--package', 'no-such-package']);
    expect(result).toMatchObject({ code: 1, err: 'unchanged-package-files: not installed: "no-such-package"\n' });
  });
});

describe('where the list and the state go', () => {
  const mounts: string[] = [];
  const tmpfs = async (name: string, options: string): Promise<string> => {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    await execa('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
    mounts.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of mounts) await execa('umount', [dir], { reject: false });
  });

  it.each([
    ['-o in a directory that does not exist', () => ['-o', join(work, 'no-dir', 'os.list')], () => `--output "${join(work, 'no-dir', 'os.list')}": its directory "${join(work, 'no-dir')}": no such file or directory`],
    ['-o naming a directory', () => ['-o', work], () => `--output "${work}": is a directory`],
    ['--state naming a device (/dev/null: the state is a file, never renamed over a device)', () => ['--state', '/dev/null', '-o', join(work, 'never.list')], () => '--state "/dev/null": is not a regular file (it would be replaced by one)'],
    ['--state naming a directory', () => ['--state', work, '-o', join(work, 'never.list')], () => `--state "${work}": is a directory`],
  ])('%s: exit 2 before any hashing, naming it, nothing written', async (_, argv, message) => {
    const result = await runTool(['--root', root, ...argv()]);
    expect(result).toEqual({ code: 2, out: '', err: `unchanged-package-files: cannot write ${message()}\n` });
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);
    await expect(stat(join(work, 'never.list'))).rejects.toThrow();
  });

  it('-o naming a device or a pipe writes into it, as sort -o does: /dev/null stays a device, a FIFO reader gets the list', async () => {
    // This machine's coreutils: a list of some hundred rules.
    const plain = await runTool(['--package', 'coreutils']);
    expect(plain.code).toBe(0);
    expect(plain.out.split('\n').length).toBeGreaterThan(50);
    expect(await runTool(['--package', 'coreutils', '-o', '/dev/null'])).toEqual({ code: 0, out: '', err: '' });
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);
    const fifo = join(work, 'list.fifo');
    await execa('mkfifo', [fifo]);
    const reader = execa('cat', [fifo], { stripFinalNewline: false });
    expect(await runTool(['--package', 'coreutils', '-o', fifo])).toEqual({ code: 0, out: '', err: '' });
    expect((await reader).stdout).toBe(plain.out);
    expect((await stat(fifo)).isFIFO()).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('-o on a read-only file system: exit 2, naming it', async () => {
    const ro = await tmpfs('ro', 'size=64k,ro');
    const result = await runTool(['--root', root, '-o', join(ro, 'os.list')]);
    expect(result).toEqual({ code: 2, out: '', err: `unchanged-package-files: cannot write --output "${join(ro, 'os.list')}": its directory "${ro}": read-only file system\n` });
  });

  it.runIf(process.getuid?.() === 0)('a disk that fills while the list is written: exit 1, naming the list, the old list left as it was', async () => {
    const full = await tmpfs('full', 'size=64k');
    const list = join(full, 'os.list');
    await writeFile(list, 'old list\n');
    // Fill what is left (tmpfs counts whole pages).
    await writeFile(join(full, 'filler'), Buffer.alloc(256 * 1024)).catch(() => undefined);
    // This machine's coreutils: a list of some hundred rules (the private root's packages are gone by now).
    const result = await runTool(['--package', 'coreutils', '-o', list]);
    expect(result).toEqual({ code: 1, out: '', err: `unchanged-package-files: cannot write "${list}": no space left on device (the old list is left as it was)\n` });
    expect(await readFile(list, 'utf8')).toBe('old list\n');
    expect((await readdir(full)).sort()).toEqual(['filler', 'os.list']);
  });
});
