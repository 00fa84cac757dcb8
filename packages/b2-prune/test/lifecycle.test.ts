// Bucket lifecycle rules next to the policies: a warning when a rule will take what a policy
// keeps, and --print-lifecycle's rule, checked against the emulator applying it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNameCipher, deriveKeys, type B2LifecycleRule, type EncryptedBucketOpener, type RcloneNameCipher } from '@rclone-b2/core';
import { FakeB2 } from 'b2-emulator/test-helpers';
import { startEmulator } from 'b2-emulator';
import { run } from './support/io.js';
import { decide } from '../src/policy/decide.js';
import { parsePolicy } from '../src/policy/index.js';
import { lifecycleRuleFor } from '../src/lifecycle.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 1, 12);
const NOW_ARG = ['--now', new Date(NOW).toISOString()];
let cipher: RcloneNameCipher;
let b2: FakeB2;
let dir: string;
let monthly: string;
const nameOf = (path: string): string => `backup/${cipher.encryptPath(path)}`;
const opener =
  (lifecycleRules: B2LifecycleRule[]): EncryptedBucketOpener =>
  async () => ({ remote: { secrets: [] }, bucket: { client: b2, bucketId: 'b1', prefix: 'backup', names: cipher, lifecycleRules } });

beforeAll(async () => {
  cipher = createNameCipher(await deriveKeys('right password', 'salt'));
  dir = await mkdtemp(join(tmpdir(), 'b2-prune-lifecycle-'));
  monthly = join(dir, 'monthly.ini');
  await writeFile(monthly, '[policies]\ndefault = 1..7,*,30\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

beforeEach(() => {
  b2 = new FakeB2();
  b2.now = NOW;
  for (let d = 40; d >= 0; d--) b2.upload(nameOf('docs/daily.txt'), Buffer.alloc(10), {}, NOW - d * DAY - 3_600_000);
});

describe('lifecycle rules against the policies', () => {
  it('warns when a rule deletes hidden versions sooner than the policy keeps them (exit 0, summary lists it)', async () => {
    const r = await run([...NOW_ARG, '-n', '--json', '--policy-file', monthly], { openBucket: opener([{ fileNamePrefix: 'backup/', daysFromHidingToDeleting: 3, daysFromUploadingToHiding: null }]) });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/bucket lifecycle rule for prefix "backup\/" deletes versions 3 days after they are hidden: it will take \d+ versions of 1 files that b2-prune's policy keeps \(e\.g\. docs\/daily\.txt\)/);
    const summary = JSON.parse(r.out.trim().split('\n').at(-1)!) as { lifecycleWarnings: string[] };
    expect(summary.lifecycleWarnings).toHaveLength(1);
  });

  it.each([
    ['a rule that keeps longer than the policy', [{ fileNamePrefix: 'backup/', daysFromHidingToDeleting: 31, daysFromUploadingToHiding: null }]],
    ['a rule on another prefix', [{ fileNamePrefix: 'other/', daysFromHidingToDeleting: 1, daysFromUploadingToHiding: null }]],
    ['no rules', []],
  ])('no warning for %s', async (_name, rules) => {
    const r = await run([...NOW_ARG, '-n', '--policy-file', monthly], { openBucket: opener(rules) });
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/lifecycle/);
  });

  it('warns about a rule that hides live files', async () => {
    const r = await run([...NOW_ARG, '-n', '--policy-file', monthly], { openBucket: opener([{ fileNamePrefix: '', daysFromUploadingToHiding: 30, daysFromHidingToDeleting: null }]) });
    expect(r.err).toMatch(/prefix "" hides files 30 days after upload/);
  });
});

describe('--print-lifecycle', () => {
  it('prints the rule for the policy on the encrypted prefix, and deletes nothing', async () => {
    const r = await run([...NOW_ARG, '--print-lifecycle', '--policy-file', monthly], { openBucket: opener([]) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ fileNamePrefix: 'backup/', daysFromHidingToDeleting: 30, daysFromUploadingToHiding: null }]);
    expect(r.err).toMatch(/keeps at least what the policy keeps/);
    expect(b2.deleteCalls).toEqual([]);
    const sub = await run([...NOW_ARG, '--print-lifecycle', '--policy-file', monthly, 'secret:docs'], { openBucket: opener([]) });
    expect(JSON.parse(sub.out)).toEqual([{ fileNamePrefix: `backup/${cipher.encryptDirPath('docs')}/`, daysFromHidingToDeleting: 30, daysFromUploadingToHiding: null }]);
  });

  it('refuses a policy that keeps versions for ever (exit 2)', async () => {
    const r = await run([...NOW_ARG, '--print-lifecycle'], { openBucket: opener([]) });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/keeps some versions for ever/);
  });

  it.each(['1..7,*,30', '1,2,3', '', '1..7'])('the emulator applying the printed rule for "%s" keeps every version the policy keeps', async (spec) => {
    const policy = parsePolicy('p', spec);
    const rule = lifecycleRuleFor(policy, 'backup/')!;
    const em = await startEmulator();
    try {
      em.clock.freeze();
      em.clock.set(NOW - 60 * DAY);
      const bucket = em.store.createBucket('rule-check', 'allPrivate', {}, []);
      const add = (action: 'upload' | 'hide', at: number) =>
        em.store.addVersion({ bucketId: bucket.bucketId, fileName: 'backup/f', action, contentLength: 1, contentSha1: null, contentType: 'text/plain', fileInfo: {}, uploadTimestamp: at }, Buffer.from('x'));
      for (let d = 50; d >= 5; d -= 1.5) add('upload', NOW - d * DAY);
      add('hide', NOW - 4 * DAY);
      const before = em.store.versionsOf(bucket.bucketId, 'backup/f').map((v) => ({ ...v, fileInfo: {} }));
      const kept = decide(before, policy, NOW, { reasons: false }).decisions.filter((d) => d.verdict === 'keep').map((d) => d.version.fileId);
      em.store.updateBucket({ ...bucket, lifecycleRules: [{ fileNamePrefix: rule.fileNamePrefix, daysFromHidingToDeleting: rule.daysFromHidingToDeleting ?? null, daysFromUploadingToHiding: null }] });
      em.clock.set(NOW);
      em.applyLifecycle();
      const after = new Set(em.store.versionsOf(bucket.bucketId, 'backup/f').map((v) => v.fileId));
      for (const id of kept) expect(after.has(id)).toBe(true);
      expect(after.size).toBeLessThan(before.length); // the rule did delete something
    } finally {
      await em.close();
    }
  });
});
