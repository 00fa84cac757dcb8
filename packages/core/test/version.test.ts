import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TOOLSET_VERSION } from '../src/version.js';

const scratch = mkdtempSync(join(tmpdir(), 'core-version-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('TOOLSET_VERSION', () => {
  it('is the version in core’s package.json', () => {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg).toMatchObject({ version: TOOLSET_VERSION });
  });

  it("is read from core's package.json, found through the package, not written into the module", async () => {
    // A copy of the built module in a package named like core, with another version, reports that version.
    const pkgDir = join(scratch, 'node_modules', '@rclone-b2', 'core');
    mkdirSync(join(pkgDir, 'dist'), { recursive: true });
    for (const file of ['version.js', 'version.js.map', 'package-file.js']) cpSync(new URL(`../dist/${file}`, import.meta.url), join(pkgDir, 'dist', file));
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: '@rclone-b2/core', version: '9.8.7-copy', type: 'module', exports: { './package.json': './package.json' } }));
    const copy: unknown = await import(pathToFileURL(join(pkgDir, 'dist', 'version.js')).href);
    expect(copy).toMatchObject({ TOOLSET_VERSION: '9.8.7-copy' });
  });
});
