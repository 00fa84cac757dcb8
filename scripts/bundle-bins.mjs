#!/usr/bin/env node
// Bundles a package's bins (run by its build, after tsc, in the package directory): each
// bin/NAME.js imports ../bundle/ENTRY.mjs, built here from dist/ENTRY.js with core and the
// pure-JS dependencies inside, so a start resolves and links a handful of files instead of
// hundreds (start-up time: `pnpm bench start-up`). Modules a tool imports with import()
// stay in chunks loaded only on that path. mongodb and mysql2 stay external (loaded from
// node_modules, lazily, by the tools that declare them). The bundle sits one level below
// the package root, as dist/ does, so core's '../package.json' (the toolset's version, the
// same in every package) and nightly's '../bin/…' resolve alike.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const EXTERNAL = ['mongodb', 'mysql2'];
const pkgDir = process.cwd();
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const binDir = join(pkgDir, 'bin');
const entries = new Set();
for (const file of readdirSync(binDir)) {
  const match = /\.\.\/bundle\/([\w-]+)\.mjs/.exec(readFileSync(join(binDir, file), 'utf8'));
  if (!match) throw new Error(`bin/${file} does not import ../bundle/ENTRY.mjs`);
  entries.add(match[1]);
}
const entryPoints = Object.fromEntries([...entries].map((name) => [name, join(pkgDir, 'dist', `${name}.js`)]));
// The crypt block pool's workers import the cipher module by URL (see core's block-pool.ts).
const core = createRequire(join(pkgDir, 'package.json'));
const usesCore = Boolean(pkg.dependencies?.['@rclone-b2/core']);
if (usesCore) entryPoints['noble-salsa'] = createRequire(core.resolve('@rclone-b2/core')).resolve('@noble/ciphers/salsa.js');

const outdir = join(pkgDir, 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  // CommonJS dependencies (tar-stream, split2…) call require() for Node's own modules.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
