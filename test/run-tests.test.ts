import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'run-tests-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('scripts/run-tests.mjs piped: no colour codes, the total counted, no report directory left behind', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratch };
  delete env.NO_COLOR;
  env.FORCE_COLOR = '1';
  const run = spawnSync('node', [join(root, 'scripts/run-tests.mjs'), join(root, 'test/fixtures/runner-pkg')], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('=== runner-fixture: ok');
  expect(run.stdout).toMatch(/\n1 passed, 0 failed, 0 skipped\n$/);
  expect(run.stdout).not.toContain('\x1b[');
  expect(readdirSync(scratch)).toEqual([]);
});
