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

  it('is read from the package.json beside the module, not written into it', async () => {
    // A copy of the built module next to a package.json with another version reports that version.
    mkdirSync(join(scratch, 'dist'));
    for (const file of ['version.js', 'version.js.map']) cpSync(new URL(`../dist/${file}`, import.meta.url), join(scratch, 'dist', file));
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'copy', version: '9.8.7-copy' }));
    const copy: unknown = await import(pathToFileURL(join(scratch, 'dist', 'version.js')).href);
    expect(copy).toMatchObject({ TOOLSET_VERSION: '9.8.7-copy' });
  });
});
