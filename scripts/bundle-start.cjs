'use strict';
// The bins' loader, copied by scripts/bundle-bins.mjs into each package's bundle/ as start.cjs.
// A bin is `require('../bundle/start.cjs')('ENTRY')`: plain CommonJS all the way, since Node 20's
// ES module loader alone costs ~10% of `node -e 0` before any code runs. It compiles
// bundle/ENTRY.cjs, and the chunks (`chunk-….cjs`) it and they require, each with the V8 code
// cache the build wrote beside it (FILE.cache, made by running `--help`), so a start
// deserializes the functions it needs instead of parsing and compiling them, and reads no
// chunk it does not run (start-up time: `pnpm bench start-up`). The cache is used only when its first
// line is the bundle's first line (`// bundle <content hash>`: a cache from another build is
// ignored) and V8 accepts it (same Node version and V8 flags); otherwise the bundle compiles as
// any script does, only a little slower.
const { existsSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

// Node's CommonJS wrapper, on the bundle's first line so stack traces keep its line numbers.
const WRAPPER = '(function (exports, require, module, __filename, __dirname) { ';

/** Compiles a bundle file (with its code cache unless `fresh`); the Script, its path and stamp. */
function compile(filename, fresh = false) {
  // The build writes pure ASCII (esbuild escapes the rest): latin1 is the same text, read by copying.
  const source = readFileSync(filename, 'latin1');
  const stamp = Buffer.from(source.slice(0, source.indexOf('\n') + 1));
  let cachedData;
  if (!fresh) {
    try {
      const cache = readFileSync(`${filename}.cache`);
      if (cache.subarray(0, stamp.length).equals(stamp)) cachedData = cache.subarray(stamp.length);
    } catch {
      // no cache (not built yet, removed, or a chunk no --help loads): compile from source
    }
  }
  const script = new Script(`${WRAPPER}${source}\n})`, { filename, cachedData });
  return { script, filename, stamp };
}

/**
 * Node modules the bundles import at the top but most runs never call: each is loaded on the
 * first use of one of its exports (crypto alone is ~7% of `node -e 0`, assert, which yargs imports
 * for its own checks, ~5%; --help uses none of them).
 */
const LAZY_BUILTINS = new Set(['assert', 'child_process', 'crypto', 'dns', 'fs/promises', 'http', 'https', 'net', 'os', 'readline', 'tls', 'worker_threads', 'zlib']);

/** A module object that loads the real one when first looked into. */
function lazyModule(load) {
  let real;
  const target = () => (real ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => target()[key],
      set: (_, key, value) => Reflect.set(target(), key, value),
      has: (_, key) => key in target(),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        // A proxy may not report a property non-configurable that its own (empty) target lacks.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

/** The bundle's require: Node's, with the build's chunks run here and heavy built-ins loaded on first use. */
function bundleRequire(filename) {
  const real = createRequire(filename);
  const lazyRequire = (id) => {
    // The build's chunks (`./chunk-….cjs`, see scripts/bundle-bins.mjs), compiled with their caches.
    if (id.startsWith('./') && id.endsWith('.cjs')) return load(join(__dirname, id.slice(2)));
    const name = id.startsWith('node:') ? id.slice(5) : id;
    return LAZY_BUILTINS.has(name) ? lazyModule(() => real(id)) : real(id);
  };
  return Object.assign(lazyRequire, { resolve: real.resolve, cache: real.cache, main: real.main, extensions: real.extensions });
}

/** The bundle files run so far, by path: each runs once, as Node's require runs a module once. */
const modules = new Map();
/** Every file compiled in this process (the build writes their code caches). */
const compiled = [];
let fresh = false;

/** Runs a bundle file as Node runs a CommonJS module (once); its exports. */
function load(filename) {
  let module = modules.get(filename);
  if (module) return module.exports;
  module = { exports: {}, id: filename, filename, loaded: false };
  modules.set(filename, module);
  const file = compile(filename, fresh);
  compiled.push(file);
  file.script.runInThisContext()(module.exports, bundleRequire(filename), module, filename, __dirname);
  module.loaded = true;
  return module.exports;
}

/** A bin's start. */
function start(entry) {
  load(join(__dirname, `${entry}.cjs`));
}

/**
 * For the build: runs ENTRY fresh and, when the process exits, writes the code cache of every
 * file it ran with every function that run compiled (a cache taken right after compiling holds
 * only the top level), and a top-level cache for the chunks it did not run.
 */
start.writeCache = (entry) => {
  fresh = true;
  process.once('exit', () => {
    const ran = new Set(compiled.map((file) => file.filename));
    const others = readdirSync(__dirname)
      .filter((name) => name.endsWith('.cjs') && name !== 'start.cjs')
      .map((name) => join(__dirname, name))
      .filter((filename) => !ran.has(filename) && !existsSync(`${filename}.cache`));
    for (const file of [...compiled, ...others.map((filename) => compile(filename, true))]) {
      writeFileSync(`${file.filename}.cache`, Buffer.concat([file.stamp, file.script.createCachedData()]));
    }
  });
  start(entry);
};

/** For the build's check: whether V8 takes ENTRY's cache (false when there is none to take). */
start.cacheAccepted = (entry) => compile(join(__dirname, `${entry}.cjs`)).script.cachedDataRejected === false;

module.exports = start;
