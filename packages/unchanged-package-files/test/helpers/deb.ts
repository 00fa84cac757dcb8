import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export interface DebSpec {
  name: string;
  version?: string;
  /** `amd64` etc. (Multi-Arch: same, so dpkg keys its info files `name:arch`) or `all`. */
  architecture?: string;
  /** Absolute path → content. */
  files: Record<string, string>;
  conffiles?: string[];
}

/** Builds a real .deb with dpkg-deb (root-owned files) and returns its path. */
export async function buildDeb(spec: DebSpec): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'upf-deb-'));
  const tree = join(dir, 'tree');
  const architecture = spec.architecture ?? 'all';
  for (const [path, content] of Object.entries(spec.files)) {
    await mkdir(dirname(join(tree, path)), { recursive: true });
    await writeFile(join(tree, path), content);
  }
  await mkdir(join(tree, 'DEBIAN'), { recursive: true });
  const multiArch = architecture === 'all' ? 'foreign' : 'same';
  await writeFile(
    join(tree, 'DEBIAN/control'),
    `Package: ${spec.name}\nVersion: ${spec.version ?? '1.0'}\nArchitecture: ${architecture}\nMulti-Arch: ${multiArch}\nMaintainer: Test <test@example.invalid>\nDescription: unchanged-package-files test package\n`,
  );
  if (spec.conffiles) await writeFile(join(tree, 'DEBIAN/conffiles'), spec.conffiles.map((path) => `${path}\n`).join(''));
  const deb = join(dir, `${spec.name}.deb`);
  await execa('dpkg-deb', ['--root-owner-group', '--build', tree, deb]);
  return deb;
}

/** An empty dpkg database under a new root, as `dpkg --root` needs it. */
export async function emptyRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'upf-root-'));
  for (const dir of ['info', 'updates', 'triggers']) await mkdir(join(root, 'var/lib/dpkg', dir), { recursive: true });
  await writeFile(join(root, 'var/lib/dpkg/status'), '');
  return root;
}

/** Real dpkg on a private root (its own lock: no waiting for the system's dpkg). */
export async function dpkgInRoot(root: string, args: string[]): Promise<void> {
  await execa('dpkg', [`--root=${root}`, '--force-script-chrootless', '--force-not-root', ...args]);
}

/** The system's dpkg through apt, which waits for the lock when someone else is installing. */
export async function aptGet(args: string[]): Promise<void> {
  await execa('apt-get', ['-y', '-q', '-o', 'DPkg::Lock::Timeout=300', ...args], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
}
