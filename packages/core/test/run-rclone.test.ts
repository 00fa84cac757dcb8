import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCommand, shellQuote } from '../src/rclone/run-rclone.js';
import { RcloneError, runRclone } from '../src/index.js';

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
  it('hands stdout over as raw chunks with onStdoutChunk, every byte in order', async () => {
    for (let i = 0; i < 50; i++) writeFileSync(join(dir, `g${String(i).padStart(2, '0')}`), 'x'.repeat(i));
    const chunks: Buffer[] = [];
    const lines: string[] = [];
    await runRclone(['lsf', '--files-only', `here:${dir}`], {
      configFile: conf,
      onStdoutChunk: async (chunk) => {
        await new Promise((r) => setImmediate(r));
        chunks.push(chunk);
      },
      onStdoutLine: (line) => void lines.push(line),
    });
    expect(lines).toEqual([]);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.split('\n').filter((l) => /^g\d\d$/.test(l))).toEqual(Array.from({ length: 50 }, (_, i) => `g${String(i).padStart(2, '0')}`));
  });
  it('with stdoutSpoolDir: every byte in order through a file read in reused blocks, the file gone at once', async () => {
    // 3.5 MB of text: more than a few read blocks, so rclone is still writing while it is read.
    const big = join(dir, 'big.txt');
    writeFileSync(big, Array.from({ length: 100_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}\n`).join(''));
    const spool = mkdtempSync(join(dir, 'spool-'));
    const parts: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    let seenWhileRunning = 0;
    const result = await runRclone(['cat', `here:${big}`], {
      configFile: conf,
      stdoutSpoolDir: spool,
      onStdoutChunk: async (chunk) => {
        parts.push(Buffer.from(chunk));
        buffers.add(chunk.buffer);
        seenWhileRunning = Math.max(seenWhileRunning, readdirSync(spool).length);
        await new Promise((r) => setImmediate(r));
      },
    });
    expect(result.exitCode).toBe(0);
    expect(Buffer.concat(parts).equals(readFileSync(big))).toBe(true);
    expect(parts.length).toBeGreaterThan(1);
    expect(buffers.size).toBe(1);
    expect(seenWhileRunning).toBe(0);
    expect(readdirSync(spool)).toEqual([]);
  });
  it('with stdoutSpoolDir: output written a line at a time is read in a few large chunks, not a read per line', async () => {
    // A stand-in for rclone that writes 2,000 lines one write each over ~0.2 s, as rclone check writes its report.
    const slow = join(dir, 'slow-writer.mjs');
    writeFileSync(slow, `#!/usr/bin/env node\nimport { writeSync } from 'node:fs';\nfor (let i = 0; i < 2000; i++) {\n  writeSync(1, \`= line \${i}\\n\`);\n  if (i % 20 === 19) await new Promise((r) => setTimeout(r, 2));\n}\n`, { mode: 0o755 });
    const spool = mkdtempSync(join(dir, 'spool-'));
    const parts: Buffer[] = [];
    await runRclone(['check'], { rclone: slow, stdoutSpoolDir: spool, onStdoutChunk: (chunk) => void parts.push(Buffer.from(chunk)) });
    expect(Buffer.concat(parts).toString()).toBe(Array.from({ length: 2000 }, (_, i) => `= line ${i}\n`).join(''));
    // A read right after each short one gave about one chunk per write burst (~100 here).
    expect(parts.length).toBeLessThan(50);
  });
  it('with stdoutSpoolDir: a failing callback stops rclone and the call rejects with its error', async () => {
    const big = join(dir, 'big-stopped.txt');
    writeFileSync(big, 'x'.repeat(3_000_000));
    const spool = mkdtempSync(join(dir, 'spool-'));
    // rclone is slowed to 100 KB/s, so without being stopped it would run for half a minute.
    const error = await runRclone(['cat', '--bwlimit', '100K', `here:${big}`], {
      configFile: conf,
      stdoutSpoolDir: spool,
      onStdoutChunk: () => {
        throw new Error('callback failed');
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('callback failed');
    const running = (): boolean =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .some((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(big);
          } catch {
            return false;
          }
        });
    for (let i = 0; i < 100 && running(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(running()).toBe(false);
    expect(readdirSync(spool)).toEqual([]);
  });
  it('with stdoutSpoolDir: rclone\'s failure is reported as with a pipe, and nothing is left in the directory', async () => {
    const spool = mkdtempSync(join(dir, 'spool-'));
    const error = await runRclone(['lsf', `here:${dir}/does-not-exist`], { configFile: conf, stdoutSpoolDir: spool, onStdoutChunk: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RcloneError);
    expect(readdirSync(spool)).toEqual([]);
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
  it('reports a missing binary as a usage error (exit 2) naming it', async () => {
    const missing = join(dir, 'no-rclone');
    await expect(runRclone(['version'], { rclone: missing })).rejects.toMatchObject({ exitCode: 2, message: `cannot run "${missing}": no such file or directory` });
  });
});

describe('runRclone stopped by a signal', () => {
  /** rclone processes whose parent is this process (from /proc). */
  const ourRclones = async (): Promise<number[]> => {
    const { readdirSync, readFileSync } = await import('node:fs');
    return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && stat.includes('(rclone)') ? [Number(e)] : [];
      } catch {
        return [];
      }
    });
  };

  it('kills rclone and rejects with the signal\'s reason', async () => {
    const { InterruptedError } = await import('../src/cli/interrupt.js');
    const controller = new AbortController();
    // rcd serves until it is stopped.
    const running = runRclone(['rcd', '--rc-no-auth', '--rc-addr', '127.0.0.1:0'], { configFile: conf, signal: controller.signal });
    let pids: number[] = [];
    for (let i = 0; i < 200 && pids.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      pids = await ourRclones();
    }
    expect(pids).toHaveLength(1);
    const reason = new InterruptedError('interrupted by SIGTERM', 'SIGTERM');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    const { existsSync } = await import('node:fs');
    expect(existsSync(`/proc/${pids[0]}`)).toBe(false);
  }, 30_000);

  it('does not start rclone when already stopped', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped before'));
    await expect(runRclone(['version'], { signal: controller.signal })).rejects.toThrow('stopped before');
  });
});
