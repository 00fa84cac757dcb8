#!/usr/bin/env node
// Bundles a package's bins (run by its build, after tsc, in the package directory): each
// bin/NAME.js is `require('../bundle/start.cjs')('ENTRY')`, and ENTRY.cjs is built here from
// dist/ENTRY.js as one CommonJS file with core and the pure-JS dependencies inside, so a start
// reads one file and never initialises Node's ES module loader (start-up time: `pnpm bench
// start-up`). Modules a tool imports with import() stay inside, initialised only on that path.
// start.cjs (scripts/bundle-start.cjs) runs it with a V8 code cache written here by one
// `--help` run. mongodb and mysql2 stay external (required from node_modules, lazily, by the
// tools that declare them). The bundle sits one level below the package root, as dist/ does,
// so core's '../package.json' lookups and nightly's '../bin/…' resolve alike.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

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
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const zeroWidth = (cp) => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfeff || (cp >= 0xfe00 && cp <= 0xfe0f);
export default function stringWidth(string, options = {}) {
  if (typeof string !== 'string' || string.length === 0) return 0;
  // Printable ASCII (nearly every help line) is one column a character.
  if (PRINTABLE_ASCII.test(string)) return string.length;
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
/**
 * yargs' y18n reads its locale file from a path relative to yargs' own module, which is not
 * there in a bundle: it has always found nothing (ENOENT after two stats and a failed read at
 * every start) and used yargs' built-in English strings. Without a readFileSync in its platform
 * shim y18n takes those strings at once (its documented bundler case), touching no file.
 */
const y18nNoFiles = {
  name: 'y18n-no-files',
  setup(b) {
    b.onLoad({ filter: /[\\/]y18n[\\/]build[\\/]lib[\\/]platform-shims[\\/]node\.js$/ }, () => ({
      contents: "import { format } from 'util'; import { resolve } from 'path'; export default { fs: {}, format, resolve, exists: () => false };",
      loader: 'js',
    }));
  },
};

/**
 * The workspace packages' entries (core's and report's dist/index.js) are barrels: only
 * `export { … } from './module.js'` lines. A bundled barrel brings every module it names, and
 * evaluates them all at start (core: the B2 client, crypt, du, execa… for a `--help`). Here an
 * `import { a, b } from '@rclone-b2/core'` in the workspace's compiled files becomes one import
 * from each module the barrel names for them, so a bundle holds, and a start evaluates, only
 * the modules its entry uses (and those of an import() only when that runs). The same code,
 * imported the way the barrel would have imported it; a name the barrel lacks fails the build.
 */
const BARREL_IMPORT = /^(import|export) \{([^}]*)\} from '(@rclone-b2\/[\w-]+)';$/gm;
const BARREL_LINE = /^export \{([^}]*)\} from '(\.[^']+)';$/;
const BARREL_STAR = /^export \* from '(\.[^']+)';$/;
/** @type {Map<string, Map<string, { file: string, name: string }>>} */
const barrels = new Map();
/** The barrel's exported names → the module and name each comes from; undefined if it is not a pure barrel. */
function readBarrel(file) {
  if (barrels.has(file)) return barrels.get(file);
  const names = new Map();
  barrels.set(file, undefined); // while reading: a cycle is not a pure barrel
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('//')) continue;
    const match = BARREL_LINE.exec(line);
    // `export * from './prices/index.js'`: a barrel inside the barrel.
    const inner = BARREL_STAR.exec(line);
    const innerNames = inner && readBarrel(join(dirname(file), inner[1]));
    if (innerNames) {
      for (const [as, target] of innerNames) names.set(as, target);
    } else if (match) {
      for (const spec of specifiers(match[1])) names.set(spec.as, { file: join(dirname(file), match[2]), name: spec.name });
    } else {
      barrels.set(file, undefined);
      return undefined;
    }
  }
  barrels.set(file, names);
  return names;
}
/** `a, b as c,` → [{ name: 'a', as: 'a' }, { name: 'b', as: 'c' }]. */
function specifiers(list) {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, as = name] = s.split(/\s+as\s+/);
      return { name, as };
    });
}
const directImports = {
  name: 'direct-imports',
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/][\w-]+[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes("from '@rclone-b2/")) return undefined;
      const resolveDir = dirname(args.path);
      const found = [];
      for (const match of text.matchAll(BARREL_IMPORT)) found.push(match);
      const replacements = new Map();
      for (const [statement, keyword, list, spec] of found) {
        const resolved = await b.resolve(spec, { kind: 'import-statement', resolveDir });
        if (resolved.errors.length) return { errors: resolved.errors };
        const barrel = readBarrel(resolved.path);
        if (!barrel) continue;
        const byFile = new Map();
        for (const { name, as } of specifiers(list)) {
          const target = barrel.get(name);
          if (!target) return { errors: [{ text: `${spec} exports no ${name} (imported by ${args.path})` }] };
          byFile.set(target.file, [...(byFile.get(target.file) ?? []), target.name === as ? as : `${target.name} as ${as}`]);
        }
        // One line for one line: the bundle's line numbers stay those of the compiled file.
        replacements.set(statement, [...byFile].map(([file, names]) => `${keyword} { ${names.join(', ')} } from ${JSON.stringify(file)};`).join(' '));
      }
      return { contents: text.replace(BARREL_IMPORT, (statement) => replacements.get(statement) ?? statement), resolveDir, loader: 'js' };
    });
  },
};

/**
 * Same-result edits to dependencies on the help path, each [file pattern, text, replacement,
 * why]. A file without its text fails the build (a new version needs a fresh look).
 * @type {Array<[RegExp, string, string]>}
 */
const PATCHES = [
  [
    /[\\/]wrap-ansi[\\/]index\.js$/,
    "const preString = rows.join('\\n');",
    "const preString = rows.join('\\n'); if (!preString.includes('\\u001B') && !preString.includes('\\u009B')) return preString;",
    // cliui wraps every help cell with it; its last loop copies the result one code point at a
    // time, looking for ANSI escapes to carry across line breaks (~10% of a --help). Without
    // an escape character in the text it rebuilds the same string.
  ],
  [
    /[\\/]wrap-ansi[\\/]index\.js$/,
    "import ansiStyles from 'ansi-styles';",
    "let ansiStylesOnce; const loadAnsiStyles = () => (ansiStylesOnce ??= require('ansi-styles').default);",
    // ansi-styles builds its colour tables when loaded (~2% of a --help); wrap-ansi needs them
    // only for text with escapes, so they are built on that first use (require() of an ES module
    // in a bundle: esbuild initialises it then).
  ],
  [/[\\/]wrap-ansi[\\/]index\.js$/, 'ansiStyles.codes.get(', 'loadAnsiStyles().codes.get('],
  [
    /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/,
    '  assert: {\n    notStrictEqual,\n    strictEqual\n  },',
    '  assert: {\n    notStrictEqual: (actual, expected, message) => { if (Object.is(actual, expected)) notStrictEqual(actual, expected, message); },\n    strictEqual: (actual, expected, message) => { if (!Object.is(actual, expected)) strictEqual(actual, expected, message); }\n  },',
    // yargs checks its own calls with node:assert at every start, which loads assert (~5% of
    // `node -e 0`). Both asserts compare with Object.is: node:assert is called (and loaded)
    // only when it is to throw, so it throws the same AssertionError.
  ],
  [
    /[\\/]yargs[\\/]build[\\/]lib[\\/]argsert\.js$/,
    'parseCommand(`cmd ${arg1}`)',
    'parsedSignature(arg1)',
    // Every yargs call checks its arguments against a signature string, parsed anew each time
    // (~3% of a --help); the few signatures are parsed once. argsert only reads the result.
  ],
  [
    /[\\/]yargs[\\/]build[\\/]lib[\\/]argsert\.js$/,
    'export function argsert(',
    'const signatures = new Map(); function parsedSignature(signature) { let parsed = signatures.get(signature); if (!parsed) signatures.set(signature, (parsed = parseCommand(`cmd ${signature}`))); return parsed; } export function argsert(',
  ],
];
const exactPatches = {
  name: 'exact-patches',
  setup(b) {
    // One onLoad a file (esbuild takes the first that matches), applying every patch for it.
    const byFile = new Map();
    for (const patch of PATCHES) byFile.set(patch[0].source, [...(byFile.get(patch[0].source) ?? []), patch]);
    for (const patches of byFile.values()) {
      b.onLoad({ filter: patches[0][0] }, (args) => {
        let text = readFileSync(args.path, 'utf8');
        for (const [, find, replace] of patches) {
          if (!text.includes(find)) return { errors: [{ text: `${args.path}: no \`${find}\` to patch (see PATCHES in scripts/bundle-bins.mjs)` }] };
          text = text.replace(find, () => replace);
        }
        return { contents: text, loader: 'js' };
      });
    }
  },
};

const pkgDir = process.cwd();
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const binDir = join(pkgDir, 'bin');
const entries = new Set();
for (const file of readdirSync(binDir).filter((f) => f.endsWith('.js'))) {
  const match = /require\('\.\.\/bundle\/start\.cjs'\)\('([\w-]+)'\)/.exec(readFileSync(join(binDir, file), 'utf8'));
  if (!match) throw new Error(`bin/${file} does not call require('../bundle/start.cjs')('ENTRY')`);
  entries.add(match[1]);
}
const outdir = join(pkgDir, 'bundle');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir);
/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  write: false,
  legalComments: 'none',
  charset: 'ascii',
  // Less to read and compile at every start; names are kept, so --debug stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};
// One ES module build of every entry, split into chunks: each entry's file holds what its start
// runs, a module reached only through import() (a command's code) sits in a chunk of its own,
// and modules two of them need sit once in a shared chunk (one copy of each module: one
// interrupt signal, one ToolError class). Each file is then turned into CommonJS, the chunks'
// imports into require('./chunk-….cjs') (start.cjs loads those with their code caches), so a
// start reads and deserializes only its entry's code, not every function of the tool.
const result = await build({
  ...common,
  entryPoints: Object.fromEntries([...entries].map((name) => [name, join(pkgDir, 'dist', `${name}.js`)])),
  outdir,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.cjs' },
  external: EXTERNAL.flatMap((external) => [external, `${external}/*`]),
  // The sources are ES modules (strict, import.meta.url); the bundle keeps both.
  define: { 'import.meta.url': '__bundleUrl' },
  plugins: [directImports, fastStringWidth, exactPatches, y18nNoFiles],
});
for (const output of result.outputFiles) {
  const commonjs = await transform(output.text, {
    format: 'cjs',
    target: common.target,
    charset: common.charset,
    legalComments: common.legalComments,
    minifyWhitespace: common.minifyWhitespace,
    minifySyntax: common.minifySyntax,
    // import() of a chunk, mongodb or mysql2 becomes require(): a script run by start.cjs has no
    // ES module loader of its own to import with (and Node's costs ~10% of a start).
    supported: { 'dynamic-import': false },
    banner: "'use strict';var __bundleUrl=require('node:url').pathToFileURL(__filename).href;",
  });
  const contents = Buffer.from(commonjs.code);
  // start.cjs reads the bundle as latin1, which is only the same text for ASCII.
  if (!contents.every((byte) => byte < 0x80)) throw new Error(`${output.path}: not pure ASCII`);
  // The first line names this build's content: start.cjs takes only a code cache headed by it.
  const stamp = `// bundle ${createHash('sha256').update(contents).digest('hex').slice(0, 32)}\n`;
  writeFileSync(output.path, stamp + commonjs.code);
}
// The crypt block pool's workers import the cipher module by URL, beside the bundle (see core's block-pool.ts).
if (pkg.dependencies?.['@rclone-b2/core']) {
  const core = createRequire(join(pkgDir, 'package.json'));
  const salsa = createRequire(core.resolve('@rclone-b2/core')).resolve('@noble/ciphers/salsa.js');
  await build({ ...common, write: true, entryPoints: { 'noble-salsa': salsa }, outdir, format: 'esm', outExtension: { '.js': '.mjs' } });
  // Core's compiled loops (see core's du/rclone-ls-scanner.ts) are loaded from beside the bundle.
  const coreDu = join(dirname(core.resolve('@rclone-b2/core')), 'du');
  for (const wasm of readdirSync(coreDu).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(coreDu, wasm), join(outdir, wasm));
  // The du text report's printing thread (see core's du/printers/text-parallel.ts), by URL beside the bundle too.
  // And the thread that maps a large listing's columns ahead of the reader (core's du/page-toucher.ts).
  await build({ ...common, write: true, entryPoints: { 'du-text-print-worker': join(coreDu, 'printers/text-print-worker.js'), 'du-page-toucher-worker': join(coreDu, 'page-toucher-worker.js') }, outdir, format: 'esm', outExtension: { '.js': '.mjs' } });
}
copyFileSync(fileURLToPath(new URL('bundle-start.cjs', import.meta.url)), join(outdir, 'start.cjs'));

// The code caches: one `--help` run of each entry (the functions every start compiles), in a
// plain node (no NODE_OPTIONS: V8 takes a cache only under the flags it was made with), then
// checked the way a bin will load it.
const env = { ...process.env };
delete env.NODE_OPTIONS;
const startFile = join(outdir, 'start.cjs');
for (const name of entries) {
  const write = `process.argv = [process.argv[0], ${JSON.stringify(join(binDir, name))}, '--help']; require(${JSON.stringify(startFile)}).writeCache(${JSON.stringify(name)});`;
  const made = spawnSync(process.execPath, ['-e', write], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`${name}: writing the code cache failed: ${made.stderr}`);
  const check = `process.stdout.write(String(require(${JSON.stringify(startFile)}).cacheAccepted(${JSON.stringify(name)})))`;
  const taken = spawnSync(process.execPath, ['-e', check], { env, encoding: 'utf8' });
  if (taken.stdout !== 'true') throw new Error(`${name}: V8 rejects the code cache just written (${taken.stdout}${taken.stderr})`);
}
