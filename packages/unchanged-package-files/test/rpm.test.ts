// rpm: packages built with the real rpmbuild, installed with real rpm into a private root,
// read back with --root (auto-detected: no dpkg database there) and --db rpm.
import { appendFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRpm, rpmInstall, rpmRoot } from './helpers/rpm.js';
import { listed, runTool } from './helpers/run.js';

let root: string;

beforeAll(async () => {
  root = await rpmRoot();
  const files = {
    '/usr/share/demo/kept.txt': 'kept\n',
    '/usr/share/demo/edited.txt': 'edited\n',
    '/usr/share/demo/sp ace [x].txt': 'odd\n',
    '/etc/demo.conf': 'a=1\n',
    '/etc/other.conf': 'b=1\n',
  };
  await rpmInstall(root, await buildRpm('demo', files, ['/etc/demo.conf', '/etc/other.conf']));
}, 300_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('an rpm database under --root', () => {
  it('uses rpm digests (SHA-256 here) to list the unchanged files', async () => {
    const { stdout } = await execa('rpm', ['--root', root, '-q', '--queryformat', '[%{FILEDIGESTS}\\n]', 'demo']);
    expect(stdout.split('\n')[0]).toMatch(/^[0-9a-f]{64}$/);
    const result = await runTool(['--root', root, '--syntax', 'paths']);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(listed(result.out)).toEqual([
      '/etc/demo.conf',
      '/etc/other.conf',
      '/usr/share/demo/edited.txt',
      '/usr/share/demo/kept.txt',
      '/usr/share/demo/sp ace [x].txt',
    ]);
  });

  it('a modified file and an edited %config file stay in the backup', async () => {
    await appendFile(join(root, 'usr/share/demo/edited.txt'), 'local\n');
    await writeFile(join(root, 'etc/demo.conf'), 'a=2\n');
    const result = await runTool(['--root', root, '--db', 'rpm', '--syntax', 'paths', '-v']);
    expect(result.code).toBe(0);
    expect(listed(result.out)).toEqual(['/etc/other.conf', '/usr/share/demo/kept.txt', '/usr/share/demo/sp ace [x].txt']);
    expect(result.err).toContain('changed conffile: "/etc/demo.conf" (demo.noarch)');
    expect(result.err).toContain('changed: "/usr/share/demo/edited.txt" (demo.noarch)');
  });

  it('--package takes rpm names; --db rpm without an rpm database is exit 2', async () => {
    expect(listed((await runTool(['--root', root, '--package', 'demo', '--syntax', 'paths'])).out)).toHaveLength(3);
    const none = await runTool(['--root', join(root, 'usr'), '--db', 'rpm']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^unchanged-package-files: no rpm database under ".*\/usr" \(or no rpm program\)\n$/);
  });
});
