// Same situation, same exit code, no litter: an input that cannot be opened is a usage error
// (2) named the coreutils way, an unreachable server is a failure (1) naming the address, and
// a refused or failed run leaves no output directory it created behind.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSplitter } from './helpers/io.js';
import { makeDump, row } from './helpers/synthetic.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'mysql-dump-splitter.js');
const GOOD = makeDump([{ name: 't1', rows: [row(1), row(2)] }], 'skip');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mds-refuse-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('an input file that cannot be opened: exit 2, one line, no output directory', () => {
  it('missing', async () => {
    const out = join(work, 'missing-out');
    const result = await runSplitter(['--out', out, join(work, 'nope.sql')]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`mysql-dump-splitter: cannot open "${join(work, 'nope.sql')}": no such file or directory\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('unreadable (permission denied)', async () => {
    const file = join(work, 'secret.sql');
    writeFileSync(file, GOOD);
    chmodSync(file, 0o000);
    chmodSync(work, 0o777);
    const out = join(work, 'secret-out');
    // root reads any file: run the real bin as nobody there
    const asRoot = process.getuid?.() === 0;
    const result = await execa(process.execPath, [BIN, '--out', out, file], { reject: false, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`mysql-dump-splitter: cannot open "${file}": permission denied`);
    expect(existsSync(out)).toBe(false);
  });

  it('a directory', async () => {
    const result = await runSplitter(['--out', join(work, 'dir-out'), work]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`mysql-dump-splitter: cannot open "${work}": is a directory\n`);
    expect(existsSync(join(work, 'dir-out'))).toBe(false);
  });
});

describe('a refused or failed run leaves no directory it created', () => {
  it.each([
    ['garbage', Buffer.from('\x7fELF\x02\x01\x01\x00garbage')],
    ['a truncated dump (fails at its end, after pieces were staged)', Buffer.from(GOOD.slice(0, GOOD.indexOf('UNLOCK')))],
    ['empty input', Buffer.alloc(0)],
  ])('%s: exit 2, no d1 (nor its new parents)', async (name, input) => {
    const base = join(work, `litter-${name.split(' ')[0]}`);
    const file = `${base}.bin`;
    writeFileSync(file, input);
    const result = await runSplitter(['--out', join(base, 'a', 'd1'), file]);
    expect(result.code).toBe(2);
    expect(existsSync(base)).toBe(false);
  });

  it('an existing directory is kept (only what the run created is removed)', async () => {
    const out = join(work, 'existing');
    const file = join(work, 'garbage2.bin');
    writeFileSync(file, 'not a dump\n');
    rmSync(out, { recursive: true, force: true });
    await execa('mkdir', [out]);
    expect((await runSplitter(['--out', out, file])).code).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('--dump against an unreachable server: exit 1 naming the address, no directory', async () => {
    const port = await closedPort();
    const out = join(work, 'dump-out');
    const result = await runSplitter(['--dump', '--host', '127.0.0.1', '--port', String(port), '--out', out, 'shop'], { MYSQL_PWD: 'hunter22' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(new RegExp(`^mysql-dump-splitter: cannot connect to the MySQL server at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*\\n$`));
    expect(result.err).not.toContain('hunter22');
    expect(existsSync(out)).toBe(false);
  });
});
