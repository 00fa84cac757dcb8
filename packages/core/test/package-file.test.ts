import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFile } from '../src/package-file.js';

const scratch = mkdtempSync(join(tmpdir(), 'core-package-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writePackage(dir: string, name: string): void {
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', exports: { './package.json': './package.json', './data/x.json': './data/x.json' } }));
  writeFileSync(join(dir, 'data', 'x.json'), '{}');
}

describe('packageFile', () => {
  it('finds the same files as require.resolve through the exports map, from a package that depends on it and from inside it', () => {
    // tool/bundle/cli.cjs depends on @scope/lib (installed in tool/node_modules); lib/dist/index.js refers to itself.
    const tool = join(scratch, 'tool');
    writePackage(tool, 'tool');
    const lib = join(tool, 'node_modules', '@scope', 'lib');
    writePackage(lib, '@scope/lib');
    mkdirSync(join(tool, 'bundle'));
    mkdirSync(join(lib, 'dist'));
    for (const from of [join(tool, 'bundle', 'cli.cjs'), join(lib, 'dist', 'index.js')]) {
      const viaExports = createRequire(from);
      for (const file of ['package.json', 'data/x.json']) {
        expect(packageFile(pathToFileURL(from).href, '@scope/lib', file)).toBe(viaExports.resolve(`@scope/lib/${file}`));
      }
    }
  });

  it('looks in node_modules further up when the nearest one lacks the package', () => {
    const outer = join(scratch, 'outer');
    writePackage(join(outer, 'node_modules', 'far'), 'far');
    mkdirSync(join(outer, 'a', 'node_modules'), { recursive: true });
    const from = pathToFileURL(join(outer, 'a', 'b', 'm.js')).href;
    expect(packageFile(from, 'far', 'package.json')).toBe(join(outer, 'node_modules', 'far', 'package.json'));
  });

  it('says which package it could not find', () => {
    expect(() => packageFile(pathToFileURL(join(scratch, 'x.js')).href, '@nowhere/none-such', 'package.json')).toThrow(/cannot find package @nowhere\/none-such/);
  });

  it("finds core's own package.json from core's source, as the version needs", () => {
    const here = fileURLToPath(new URL('../package.json', import.meta.url));
    expect(packageFile(new URL('../src/version.ts', import.meta.url).href, '@rclone-b2/core', 'package.json')).toBe(here);
  });
});
