// How a bin starts (scripts/bundle-bins.mjs, scripts/bundle-start.cjs): plain CommonJS, the
// bundle compiled with the V8 code cache written at build time, heavy built-ins loaded on use.
// The cache must never run code other than the bundle's own, and a run without it must be the same.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every bin: name, script, its package's bundle directory and entry. */
const bins = readdirSync(join(root, 'packages')).flatMap((dir) => {
  const pkgDir = join(root, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  return Object.entries(manifest.bin ?? {}).map(([name, path]) => {
    const script = join(pkgDir, path);
    const entry = /require\('\.\.\/bundle\/start\.cjs'\)\('([\w-]+)'\)/.exec(readFileSync(script, 'utf8'))?.[1] ?? `no entry in ${script}`;
    return { name, script, bundle: join(pkgDir, 'bundle'), entry };
  });
});
const tarLsDu = bins.find((b) => b.name === 'tar-ls-du')!;
const scratch = mkdtempSync(join(tmpdir(), 'bin-start-'));
// A copy of a bundle must sit where the original does, to find its package's node_modules.
const copies: string[] = [];
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** Node's CommonJS wrapper as start.cjs writes it (V8 compares the wrapped source's length). */
const wrap = (source: string) => `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
/** Copies a bundle directory's files (those `keep` accepts) into `copy`. */
function copyBundle(bundle: string, copy: string, keep: (file: string) => boolean = () => true): void {
  for (const file of readdirSync(bundle).filter(keep)) copyFileSync(join(bundle, file), join(copy, file));
}
const cacheAccepted = (bundle: string, entry: string, nodeFlags: string[] = []) =>
  execa(process.execPath, [...nodeFlags, '-e', `process.stdout.write(String(require(${JSON.stringify(join(bundle, 'start.cjs'))}).cacheAccepted(${JSON.stringify(entry)})))`]);

describe('bin start-up', () => {
  it.each(bins.map((b) => [b.name, b] as const))('%s: V8 takes the code cache the build wrote', async (_name, bin) => {
    expect(existsSync(join(bin.bundle, `${bin.entry}.cjs.cache`))).toBe(true);
    expect((await cacheAccepted(bin.bundle, bin.entry)).stdout).toBe('true');
  });

  it.each(bins.map((b) => [b.name, b] as const))('%s --help loads none of assert, crypto, zlib, worker_threads, fs/promises, readline, and no ES module', async (_name, bin) => {
    const list = join(scratch, `${bin.name}.modules`);
    const hook = join(scratch, 'hook.cjs');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`);
    const result = await execa(process.execPath, ['-r', hook, bin.script, '--help']);
    expect(result.stdout).toContain('--help');
    const loaded = readFileSync(list, 'utf8').split('\n');
    // (child_process and http are not on the list: execa's and the emulator's modules use them as they load.)
    const heavy = ['assert', 'crypto', 'zlib', 'worker_threads', 'fs/promises', 'readline', 'internal/modules/esm/module_job'];
    expect(loaded.filter((m) => heavy.some((h) => m === `NativeModule ${h}`))).toEqual([]);
  });

  it('a code cache from another build of a same-length bundle is not used (V8 alone would run the old code)', async () => {
    const copy = mkdtempSync(join(tarLsDu.bundle, '..', '.start-test-'));
    copies.push(copy);
    const built = readFileSync(join(tarLsDu.bundle, 'cli.cjs'), 'utf8');
    const cache = readFileSync(join(tarLsDu.bundle, 'cli.cjs.cache'));
    // Another build: one help sentence changed (same length), so another stamp on the first line.
    const stampEnd = built.indexOf('\n') + 1;
    expect(built.slice(0, stampEnd)).toMatch(/^\/\/ bundle [0-9a-f]{32}\n$/);
    expect(built).toContain('Reads listings (stdin');
    const rebuilt = `// bundle ${'0'.repeat(32)}\n${built.slice(stampEnd).replace('Reads listings (stdin', 'READS LISTINGS (stdin')}`;
    expect(rebuilt.length).toBe(built.length);
    // The premise: V8 checks the source's length, not its text, so it would take the old cache.
    const v8Alone = new Script(wrap(rebuilt), { filename: join(copy, 'cli.cjs'), cachedData: cache.subarray(stampEnd) });
    expect(v8Alone.cachedDataRejected).toBe(false);

    copyBundle(tarLsDu.bundle, copy);
    writeFileSync(join(copy, 'cli.cjs'), rebuilt);
    writeFileSync(join(copy, 'bin.cjs'), "require('./start.cjs')('cli');\n");
    expect((await cacheAccepted(copy, 'cli')).stdout).toBe('false');
    const help = await execa(process.execPath, [join(copy, 'bin.cjs'), '--help']);
    expect(help.stdout).toContain('READS LISTINGS (stdin');
  });

  it('a bin runs the same when V8 rejects its cache (other V8 flags) or it has none', async () => {
    const input = '       12 a/b/c.txt\n      100 a/d.txt\n';
    const plain = await execa(process.execPath, [tarLsDu.script, '--rclone', '-h'], { input });
    expect((await cacheAccepted(tarLsDu.bundle, 'cli', ['--jitless'])).stdout).toBe('false');
    const rejected = await execa(process.execPath, ['--jitless', tarLsDu.script, '--rclone', '-h'], { input });
    expect(rejected.stdout).toBe(plain.stdout);
    expect(plain.stdout).toBe('112\ta\n100\ta/d.txt\n12\ta/b\n12\ta/b/c.txt');

    const copy = mkdtempSync(join(tarLsDu.bundle, '..', '.start-test-'));
    copies.push(copy);
    // Every file of the bundle (its chunks too), no code cache.
    copyBundle(tarLsDu.bundle, copy, (file) => !file.endsWith('.cache'));
    writeFileSync(join(copy, 'bin.cjs'), "require('./start.cjs')('cli');\n");
    const uncached = await execa(process.execPath, [join(copy, 'bin.cjs'), '--rclone', '-h'], { input });
    expect(uncached.stdout).toBe(plain.stdout);
    const helps = await Promise.all([execa(process.execPath, [join(copy, 'bin.cjs'), '--help']), execa(process.execPath, [tarLsDu.script, '--help'])]);
    expect(helps[0].stdout).toBe(helps[1].stdout);
  });
  // The bundles are built with same-result edits (core's barrel imported module by module,
  // string-width, wrap-ansi, yargs' argument checks, y18n without files: scripts/bundle-bins.mjs)
  // and split into chunks: what the bin prints must be what the unbundled program prints.
  it.each(bins.map((b) => [b.name, b] as const))('%s prints the same as its unbundled dist/ program (help, version, a usage error)', async (_name, bin) => {
    const unbundled = join(bin.bundle, '..', 'dist', `${bin.entry}.js`);
    for (const argv of [['--help'], ['--version'], ['--no-such-flag']]) {
      const [bundled, plain] = await Promise.all([bin.script, unbundled].map((script) => execa(process.execPath, [script, ...argv], { reject: false, env: { LANG: 'C' } })));
      expect({ argv, code: bundled.exitCode, out: bundled.stdout, err: bundled.stderr }).toEqual({ argv, code: plain.exitCode, out: plain.stdout, err: plain.stderr });
    }
  });

  it('a start reads its entry and the chunks it runs, not the code of a command it does not run', () => {
    const sizes = (files: string[]) => files.reduce((sum, file) => sum + readFileSync(join(tarLsDu.bundle, file)).length, 0);
    const files = readdirSync(tarLsDu.bundle).filter((file) => file.endsWith('.cjs') && file !== 'start.cjs');
    // The entry is small; the listing parser (core's du code) sits in a chunk of its own.
    expect(readFileSync(join(tarLsDu.bundle, 'cli.cjs'), 'latin1')).not.toContain('parseRcloneLsLine');
    const parser = files.filter((file) => readFileSync(join(tarLsDu.bundle, file), 'latin1').includes('parseRcloneLsLine'));
    expect(parser).toHaveLength(1);
    expect(parser[0]).toMatch(/^chunk-\w+\.cjs$/);
    expect(sizes(['cli.cjs'])).toBeLessThan(sizes(files) / 4);
  });
});
