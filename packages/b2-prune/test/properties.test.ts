import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crashSafeOrder, type B2FileVersion } from '@rclone-b2/core';
import { BUILTIN_POLICIES, decide, parsePolicy } from '../src/policy/index.js';
import { modelKeep } from './support/model.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

/** Random histories: up to 40 versions, gaps of minutes to months, some hides and starts. */
const historyArb = fc
  .array(
    fc.record({
      gap: fc.oneof(fc.integer({ min: 1, max: 3 * DAY }), fc.integer({ min: 1, max: 90 * DAY }), fc.constantFrom(DAY, 7 * DAY)),
      kind: fc.constantFrom('upload', 'upload', 'upload', 'upload', 'hide', 'start'),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .chain((events) => fc.integer({ min: 0, max: 30 * DAY }).map((sinceLast) => ({ events, sinceLast })))
  .map(({ events, sinceLast }) => {
    let t = NOW - sinceLast;
    const versions: B2FileVersion[] = [];
    events.forEach((e, i) => {
      versions.push({
        fileId: `v${i}`,
        fileName: 'f',
        action: e.kind as B2FileVersion['action'],
        contentLength: e.kind === 'upload' ? 10 : 0,
        contentSha1: null,
        contentType: null,
        uploadTimestamp: t,
        fileInfo: {},
      });
      t -= e.gap;
    });
    return versions; // newest first
  });

/** Random valid specs: increasing ages, wildcards after numbers, optional last=N. */
const specArb = fc.oneof(
  fc.constantFrom(...Object.values(BUILTIN_POLICIES)),
  fc
    .record({
      ages: fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 0, maxLength: 8 }),
      wild: fc.array(fc.constantFrom('', '', '*', '?'), { minLength: 8, maxLength: 8 }),
      last: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    })
    .map(({ ages, wild, last }) => {
      const items: string[] = [];
      [...ages].sort((a, b) => a - b).forEach((a, i) => {
        items.push(String(a));
        if (wild[i]) items.push(wild[i]!);
      });
      if (last !== undefined) items.push(`last=${last}`);
      return items.join(',');
    }),
);

const visible = (v: B2FileVersion): boolean => v.action === 'upload' || v.action === 'hide';

/** What the name shows: the newest upload/hide, or nothing. */
const shown = (versions: readonly B2FileVersion[]): B2FileVersion | undefined => versions.find(visible);

describe('policy invariants (property tests)', () => {
  it('every version gets a verdict and a reason; the engine matches the model', () => {
    fc.assert(
      fc.property(historyArb, specArb, (versions, spec) => {
        const { decisions } = decide(versions, parsePolicy('p', spec), NOW);
        for (const d of decisions) {
          expect(d.reason).not.toBe('');
          expect(d.verdict).toMatch(visible(d.version) ? /^(keep|delete)$/ : /^ignore$/);
        }
        const engine = decisions.filter((d) => d.verdict === 'keep').map((d) => d.version.fileId).sort();
        expect(engine).toEqual([...modelKeep(versions, spec, NOW)].sort());
      }),
      { numRuns: 1500 },
    );
  });

  it('never deletes the current version of a live file, never shows a deleted file, at every step of the deletion order', () => {
    fc.assert(
      fc.property(historyArb, specArb, (versions, spec) => {
        const { decisions, live } = decide(versions, parsePolicy('p', spec), NOW);
        const before = shown(versions);
        const order = crashSafeOrder(decisions.filter((d) => d.verdict === 'delete').map((d) => d.version));
        let remaining = [...versions];
        for (const gone of [undefined, ...order]) {
          if (gone) remaining = remaining.filter((v) => v !== gone);
          const now = shown(remaining);
          if (live) expect(now).toBe(before);
          else expect(now === undefined || now.action === 'hide').toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps at most the newest and the oldest upload of each window (without last=N)', () => {
    fc.assert(
      fc.property(historyArb, specArb, (versions, spec) => {
        const policy = parsePolicy('p', spec);
        fc.pre(policy.last === 0);
        const { decisions } = decide(versions, policy, NOW);
        const byWindow = new Map<string, string[]>();
        for (const d of decisions) {
          if (d.version.action !== 'upload' || !d.window) continue;
          byWindow.set(d.window.key, [...(byWindow.get(d.window.key) ?? []), d.verdict]);
        }
        for (const verdicts of byWindow.values()) {
          const keptIdx = verdicts.flatMap((v, i) => (v === 'keep' ? [i] : []));
          expect(keptIdx.length).toBeLessThanOrEqual(2);
          for (const i of keptIdx) expect(i === 0 || i === verdicts.length - 1).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is stable: re-deciding what was kept at the same moment deletes nothing more (policies without a middle "?")', () => {
    fc.assert(
      fc.property(historyArb, specArb, (versions, spec) => {
        const policy = parsePolicy('p', spec);
        fc.pre(!policy.segments.some((s, i) => s.liveOnly && i < policy.segments.length - 1));
        fc.pre(policy.last === 0);
        const first = decide(versions, policy, NOW).decisions.filter((d) => d.verdict !== 'delete').map((d) => d.version);
        const second = decide(first, policy, NOW).decisions.filter((d) => d.verdict === 'delete');
        expect(second.map((d) => `${d.version.fileId}: ${d.reason}`)).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });
});
