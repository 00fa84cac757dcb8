import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCommand, RcloneError, runRclone, shellQuote } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'run-rclone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const conf = join(dir, 'rclone.conf');
writeFileSync(conf, '[here]\ntype = local\n');

describe('shellQuote/formatCommand', () => {
  it.each([
    ['plain', 'plain'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['', "''"],
    ['remote:path/x', 'remote:path/x'],
  ])('%j → %s', (arg, quoted) => expect(shellQuote(arg)).toBe(quoted));
  it('redacts secrets from the echo', () => {
    expect(formatCommand('rclone', ['ls', ':crypt,password=hunter22:x'], ['hunter22'])).toBe('rclone ls :crypt,password=***:x');
  });
});

describe('runRclone', () => {
  it('streams stdout line by line, in order', async () => {
    for (let i = 0; i < 50; i++) writeFileSync(join(dir, `f${String(i).padStart(2, '0')}`), 'x'.repeat(i));
    const lines: string[] = [];
    let echoed = '';
    const result = await runRclone(['lsf', '--files-only', `here:${dir}`], {
      configFile: conf,
      onStdoutLine: async (line) => {
        await new Promise((r) => setImmediate(r));
        lines.push(line);
      },
      echo: (c) => (echoed = c),
    });
    expect(result.exitCode).toBe(0);
    expect(lines.filter((l) => /^f\d\d$/.test(l))).toHaveLength(50);
    expect(echoed).toContain('--config');
  });
  it('keeps the tail of stderr in the error, redacted', async () => {
    const error = await runRclone(['lsf', `here:${dir}/does-not-exist-secretword`], { configFile: conf, secrets: ['secretword'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RcloneError);
    const message = (error as RcloneError).message;
    expect(message).toMatch(/exit status \d/);
    expect(message).toMatch(/directory not found/);
    expect(message).not.toContain('secretword');
  });
  it('accepts extra ok exit codes', async () => {
    const result = await runRclone(['lsf', `here:${dir}/nope`], { configFile: conf, okExitCodes: [0, 3] });
    expect(result.exitCode).toBe(3);
  });
  it('reports a missing binary', async () => {
    await expect(runRclone(['version'], { rclone: join(dir, 'no-rclone') })).rejects.toThrow(/not found/);
  });
});
