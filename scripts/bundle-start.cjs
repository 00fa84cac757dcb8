'use strict';
// The bins' loader, copied by scripts/bundle-bins.mjs into each package's bundle/ as start.cjs.
// A bin is `require('../bundle/start.cjs')('ENTRY')`: plain CommonJS all the way, since Node 20's
// ES module loader alone costs ~10% of `node -e 0` before any code runs. It compiles
// bundle/ENTRY.cjs with the V8 code cache the build wrote beside it (ENTRY.cjs.cache, made by
// running `--help`), so a start deserializes the functions it needs instead of parsing and
// compiling them (start-up time: `pnpm bench start-up`). The cache is used only when its first
// line is the bundle's first line (`// bundle <content hash>`: a cache from another build is
// ignored) and V8 accepts it (same Node version and V8 flags); otherwise the bundle compiles as
// any script does, only a little slower.
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

// Node's CommonJS wrapper, on the bundle's first line so stack traces keep its line numbers.
const WRAPPER = '(function (exports, require, module, __filename, __dirname) { ';

/** Compiles bundle/ENTRY.cjs (with its code cache unless `fresh`); the Script and its path. */
function compile(entry, fresh = false) {
  const filename = join(__dirname, `${entry}.cjs`);
  // The build writes pure ASCII (esbuild escapes the rest): latin1 is the same text, read by copying.
  const source = readFileSync(filename, 'latin1');
  const stamp = Buffer.from(source.slice(0, source.indexOf('\n') + 1));
  let cachedData;
  if (!fresh) {
    try {
      const cache = readFileSync(`${filename}.cache`);
      if (cache.subarray(0, stamp.length).equals(stamp)) cachedData = cache.subarray(stamp.length);
    } catch {
      // no cache (not built yet, or removed): compile from source
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

/** The bundle's require: Node's, with the heavy built-in modules loaded on first use. */
function bundleRequire(filename) {
  const real = createRequire(filename);
  const lazyRequire = (id) => {
    const name = id.startsWith('node:') ? id.slice(5) : id;
    return LAZY_BUILTINS.has(name) ? lazyModule(() => real(id)) : real(id);
  };
  return Object.assign(lazyRequire, { resolve: real.resolve, cache: real.cache, main: real.main, extensions: real.extensions });
}

/** Runs bundle/ENTRY.cjs as Node runs a CommonJS module. */
function run({ script, filename }) {
  const module = { exports: {}, id: filename, filename, loaded: false };
  script.runInThisContext()(module.exports, bundleRequire(filename), module, filename, __dirname);
  module.loaded = true;
}

/** A bin's start. */
function start(entry) {
  run(compile(entry));
}

/**
 * For the build: runs ENTRY fresh and, when the process exits, writes its code cache with
 * every function that run compiled (a cache taken right after compiling holds only the top level).
 */
start.writeCache = (entry) => {
  const compiled = compile(entry, true);
  process.once('exit', () => writeFileSync(`${compiled.filename}.cache`, Buffer.concat([compiled.stamp, compiled.script.createCachedData()])));
  run(compiled);
};

/** For the build's check: whether V8 takes ENTRY's cache (false when there is none to take). */
start.cacheAccepted = (entry) => {
  const { script } = compile(entry);
  return script.cachedDataRejected === false;
};

module.exports = start;
