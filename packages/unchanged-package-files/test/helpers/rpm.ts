import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * Builds a noarch .rpm with the real rpmbuild: FILES (absolute path → content), CONFIG
 * marked %config(noreplace). Returns its path.
 */
export async function buildRpm(name: string, files: Record<string, string>, config: string[] = []): Promise<string> {
  const top = await mkdtemp(join(tmpdir(), 'upf-rpm-'));
  const payload = join(top, 'payload');
  const install: string[] = [];
  const list: string[] = [];
  for (const [index, [path, content]] of Object.entries(files).entries()) {
    const source = join(payload, String(index));
    await mkdir(payload, { recursive: true });
    await writeFile(source, content);
    // %install copies prepared files: no shell quoting of odd names needed beyond the spec's own "…"
    install.push(`mkdir -p "%{buildroot}$(dirname "${path}")"`, `cp "${source}" "%{buildroot}${path}"`);
    list.push(config.includes(path) ? `%config(noreplace) "${path}"` : `"${path}"`);
  }
  const spec = join(top, `${name}.spec`);
  await writeFile(
    spec,
    `Name: ${name}\nVersion: 1.0\nRelease: 1\nSummary: test\nLicense: MIT\nBuildArch: noarch\n%description\ntest\n%install\n${install.join('\n')}\n%files\n${list.join('\n')}\n`,
  );
  await execa('rpmbuild', ['--define', `_topdir ${top}/build`, '--define', '_build_id_links none', '-bb', spec]);
  const dir = join(top, 'build/RPMS/noarch');
  return join(dir, (await readdir(dir))[0]!);
}

/** A new root with an empty rpm database, and real rpm installing into it. */
export async function rpmRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'upf-rpmroot-'));
  await execa('rpm', ['--root', root, '--initdb']);
  return root;
}

export async function rpmInstall(root: string, rpm: string): Promise<void> {
  await execa('rpm', ['--root', root, '-i', '--nodeps', '--noscripts', rpm]);
}
