import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../scripts/demo.mjs', import.meta.url));

describe('scripts/demo.mjs', () => {
  it('runs end to end, and every step checks what it narrates', async () => {
    const result = await execa('node', [demo], { reject: false, env: { CI: 'true' } });
    if (result.exitCode !== 0) console.log(result.stdout, result.stderr);
    expect(result.stdout).toMatch(/All \d+ steps did what they said/);
    expect(result.stdout).not.toMatch(/✗/);
    expect(result.exitCode).toBe(0);
  });
});
