// The toolset has one version: core's package.json. Every package carries it, every tool's
// --version prints it, and the ncdu exports name it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../packages/', import.meta.url));

interface Manifest {
  name: string;
  version: string;
  bin?: Record<string, string>;
}

function manifest(dir: string): Manifest {
  const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('name' in parsed) || !('version' in parsed)) throw new Error(`${dir}: no name or version`);
  const { name, version } = parsed;
  if (typeof name !== 'string' || typeof version !== 'string') throw new Error(`${dir}: name and version must be strings`);
  if (!('bin' in parsed) || typeof parsed.bin !== 'object' || parsed.bin === null) return { name, version };
  const bin: Record<string, string> = {};
  for (const [tool, path] of Object.entries(parsed.bin)) if (typeof path === 'string') bin[tool] = join(dir, path);
  return { name, version, bin };
}

const packages = readdirSync(packagesDir).map((name) => manifest(join(packagesDir, name)));
const toolsetVersion = manifest(join(packagesDir, 'core')).version;
const tools = packages.flatMap((p) => Object.entries(p.bin ?? {}));

describe('one version', () => {
  it('every package.json carries core’s version', () => {
    expect(packages.length).toBeGreaterThanOrEqual(11);
    expect(packages.map((p) => [p.name, p.version])).toEqual(packages.map((p) => [p.name, toolsetVersion]));
  });

  it('every tool of the toolset is here', () => {
    expect(tools.map(([tool]) => tool).sort()).toEqual([
      'b2-emulator', 'b2-prune', 'b2-recover', 'encrypted-cleanup', 'encrypted-du', 'encrypted-restore',
      'mongo-incremental-export', 'mongo-incremental-import', 'mysql-dump-join', 'mysql-dump-splitter',
      'rclone-backup', 'rclone-backup-keys', 'rclone-backup-nightly', 'rsync-backup', 'tar-ls-du', 'unchanged-package-files',
    ]);
  });

  it.each(tools)('%s --version prints it', async (_tool, bin) => {
    const result = await execa('node', [bin, '--version'], { reject: false });
    expect({ code: result.exitCode, out: result.stdout, err: result.stderr }).toEqual({ code: 0, out: toolsetVersion, err: '' });
  });

  it('tar-ls-du --ncdu names it as progver', async () => {
    const bin = tools.find(([tool]) => tool === 'tar-ls-du')?.[1] ?? 'tar-ls-du not found';
    const result = await execa('node', [bin, '--ncdu'], { input: '5\tx/y\n7\tx\n' });
    const exported: unknown = JSON.parse(result.stdout);
    expect(Array.isArray(exported) && exported[2]).toMatchObject({ progname: 'tar-ls-du', progver: toolsetVersion });
  });
});
