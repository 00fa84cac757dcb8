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
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const EXTERNAL = ['mongodb', 'mysql2'];

/**
 * yargs' help layout measures text with string-width, whose module builds a Unicode-property
 * regex and an Intl.Segmenter when loaded (~70 ms of CPU before --help prints anything). The
 * bins use this measure instead: ANSI codes stripped, East Asian wide characters 2, control
 * and combining marks 0, everything else 1 — the same for every text our help holds.
 */
const FAST_STRING_WIDTH = `
import stripAnsi from 'strip-ansi';
import { eastAsianWidth } from 'get-east-asian-width';
const zeroWidth = (cp) => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfeff || (cp >= 0xfe00 && cp <= 0xfe0f);
export default function stringWidth(string, options = {}) {
  if (typeof string !== 'string' || string.length === 0) return 0;
  const text = options.countAnsiEscapeCodes ? string : stripAnsi(string);
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    if (!zeroWidth(cp)) width += eastAsianWidth(cp, { ambiguousAsWide: options.ambiguousIsNarrow === false });
  }
  return width;
}
`;
const fastStringWidth = {
  name: 'fast-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve('string-width', { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'real' });
      if (real.errors.length) return { errors: real.errors };
      // Resolved from the real package's directory: its own strip-ansi and get-east-asian-width.
      return { path: real.path, namespace: 'fast-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'fast-string-width' }, (args) => ({ contents: FAST_STRING_WIDTH, resolveDir: dirname(args.path), loader: 'js' }));
  },
};
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
  // Less to read and compile at every start; names are kept, so --debug stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [fastStringWidth],
  logLevel: 'warning',
});
