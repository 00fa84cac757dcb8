// unchanged-package-files' list as rclone-backup's exclude_from: the backup of a system root
// leaves out what packages hold unchanged, keeps what was changed, and verify agrees.
import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, dpkgInRoot, emptyRoot } from '../packages/unchanged-package-files/test/helpers/deb.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = (pkg: string, name: string): string => join(repo, 'packages', pkg, 'bin', `${name}.js`);
const env = { RCLONE_CONFIG: '/dev/null', LANG: 'C' };
let root: string;
let work: string;

beforeAll(async () => {
  root = await emptyRoot();
  work = await mkdtemp(join(tmpdir(), 'upf-backup-'));
  const files = {
    '/usr/share/demo/kept.txt': 'kept\n',
    '/usr/share/demo/edited.txt': 'edited\n',
    '/usr/share/demo/odd [1]*.txt': 'odd\n',
    '/etc/demo.conf': 'a=1\n',
  };
  await dpkgInRoot(root, ['-i', await buildDeb({ name: 'demo', files, conffiles: ['/etc/demo.conf'] })]);
  await appendFile(join(root, 'usr/share/demo/edited.txt'), 'by the admin\n');
  await writeFile(join(root, 'etc/demo.conf'), 'a=2\n');
  await writeFile(join(root, 'etc/hostname'), 'box\n'); // no package's file
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('rclone-backup exclude_from = the list of unchanged-package-files', () => {
  it('backs up the changed package files and the rest, not the unchanged ones; verify agrees', async () => {
    const list = join(work, 'os-files.exclude');
    await execa(process.execPath, [bin('unchanged-package-files', 'unchanged-package-files'), '--root', root, '-o', list], { env });
    const dest = join(work, 'dest');
    const conf = join(work, 'system.conf');
    // exclude_from relative to the config's directory; a `+` filter cannot bring an excluded file back
    await writeFile(
      conf,
      `[default]\nsource = ${root}\ndestination = ${dest}\narchive_specials = no\nmax_delete = off\nexclude_from = os-files.exclude\n\n[filters]\n+ /usr/**\n+ /etc/**\n- /var/**\n`,
    );
    const sync = await execa(process.execPath, [bin('rclone-backup', 'rclone-backup'), conf], { env, reject: false });
    expect(sync.stderr).toBe('');
    expect(sync.exitCode).toBe(0);
    expect(await filesUnder(dest)).toEqual(['etc/demo.conf', 'etc/hostname', 'usr/share/demo/edited.txt']);

    const verify = await execa(process.execPath, [bin('rclone-backup', 'rclone-backup'), '--verify', 'all', conf], { env, reject: false });
    expect(verify.stderr).toBe(
      'rclone-backup: verify system: checked the contents of 3 of 3 files (28 of 28) by download; 3 files present on both sides; 0 failed',
    );
    expect(verify.exitCode).toBe(0);
  });
});
