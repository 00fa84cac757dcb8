import { describe, expect, it } from 'vitest';
import { BUILTIN_POLICIES, decide, parsePolicy } from '../src/policy/index.js';
import { daily, DAY, history } from './support/history.js';
import { modelKeep } from './support/model.js';

const NOW = Date.UTC(2026, 5, 1, 12);
type Ev = readonly [number, 'u' | 'h' | 's'];

/** Kept versions as `daysAgo+kind` strings, newest first. */
function kept(spec: string, events: readonly Ev[], now = NOW): string[] {
  const versions = history(now, events);
  const { decisions } = decide(versions, parsePolicy('t', spec), now);
  for (const d of decisions) expect(d.reason, d.version.fileId).not.toBe('');
  return decisions.filter((d) => d.verdict === 'keep').map((d) => d.version.fileId.split('_')[1]!);
}

const week: Ev[] = daily(10, 0).map(([d]) => [d + 0.5, 'u'] as const);

describe('decide: table', () => {
  it.each<[string, string, readonly Ev[], string[]]>([
    ['a single upload', 'never', [[3, 'u']], ['3u']],
    ['no old versions, any policy', 'default', [[400, 'u']], ['400u']],
    ['only a hide', 'default', [[5, 'h']], []],
    ['only hides', 'one_week', [[5, 'h'], [3, 'h']], []],
    ['never on a live file keeps the current version only', 'never', [[3, 'u'], [2, 'u'], [1, 'u']], ['1u']],
    ['never on a deleted file removes everything', 'never', [[3, 'u'], [2, 'u'], [1, 'h']], []],
    // daily uploads 10.5..0.5 days ago: old ages 0..9 days; 1..7 keeps ages 0..7
    ['one_week, daily changes', 'one_week', week, ['0.5u', '1.5u', '2.5u', '3.5u', '4.5u', '5.5u', '6.5u', '7.5u']],
    ['one_week keeps newest and oldest per window', 'one_week', [[3, 'u'], [2.9, 'u'], [2.8, 'u'], [2.7, 'u'], [0.1, 'u']], ['0.1u', '2.7u', '2.8u', '3u']],
    // the upload 10 days ago stopped being current 7 days ago (rule 2): exactly 7 days is
    // inside the (6,7] window, a millisecond more is outside
    ['window boundary: exactly 7 days', 'one_week', [[10, 'u'], [7, 'u'], [0, 'u']], ['0u', '7u', '10u']],
    ['window boundary: 7 days + 1 ms', 'one_week', [[10, 'u'], [7 + 1 / DAY, 'u'], [0, 'u']], ['0u', '7.000000011574074u']],
    // deleted and re-created: the hide covers the old uploads below it
    ['deleted and re-created', 'one_week', [[10, 'u'], [9, 'u'], [8, 'u'], [7, 'h'], [2, 'u'], [1, 'u']], ['1u', '2u', '7h', '8u']],
    ['deleted, re-created, old life expired', 'one_week', [[30, 'u'], [20, 'h'], [2, 'u'], [1, 'u']], ['1u', '2u']],
    ['deleted file within a week keeps its hide', 'one_week', [[4, 'u'], [3, 'u'], [2, 'h']], ['2h', '3u', '4u']],
    // ? windows: a deleted file loses versions older than 365 days, a live one keeps them
    ['default, deleted, ? window', 'default', [[900, 'u'], [800, 'u'], [500, 'u'], [400, 'h']], []],
    ['default, live, ? window', 'default', [[900, 'u'], [800, 'u'], [500, 'u'], [400, 'u']], ['400u', '500u', '800u', '900u']],
    ['default, deleted, within a year', 'default', [[200, 'u'], [100, 'u'], [2, 'h']], ['2h', '100u', '200u']],
    ['last=2 keeps the two newest old versions', 'last=2', [[50, 'u'], [40, 'u'], [30, 'u'], [20, 'u']], ['20u', '30u', '40u']],
    ['last=1 on a deleted file keeps hide and newest upload', '1,last=1', [[50, 'u'], [40, 'u'], [30, 'h']], ['30h', '40u']],
    ['unfinished large file entries are not judged', 'never', [[5, 'u'], [4, 's'], [3, 'u']], ['3u']],
    ['two hides in a row: only the one above kept uploads stays', 'one_week', [[3, 'u'], [2, 'h'], [1, 'h']], ['2h', '3u']],
  ])('%s (%s)', (_title, policy, events, expected) => {
    const spec = BUILTIN_POLICIES[policy] ?? policy;
    expect(kept(spec, events)).toEqual(expected);
  });

  it('gives reasons naming the rule', () => {
    const versions = history(NOW, [[40, 'u'], [10, 'u'], [2.9, 'u'], [2.8, 'u'], [2.7, 'h']]);
    const { decisions, live } = decide(versions, parsePolicy('one_week', '1..7'), NOW);
    expect(live).toBe(false);
    expect(decisions.map((d) => `${d.verdict}: ${d.reason}`)).toEqual([
      'keep: hide marker needed to keep 2 older kept uploads hidden (rule 4)',
      'keep: newest upload in window 2-3 d (rule 3)',
      'delete: 2nd of 3 uploads in window 2-3 d: only the newest and oldest are kept (rule 3)',
      'keep: oldest upload in window 2-3 d (rule 3)',
      'delete: older than the last window (7 d) (rule 5)',
    ]);
  });
});

describe('decide: built-ins against the model', () => {
  const scenarios: [string, Ev[]][] = [
    ['daily for two years, live', daily(730)],
    ['daily for two years, deleted yesterday', [...daily(730, 30).slice(0, -1), [0.5, 'h']]],
    ['daily for five years', daily(5 * 365)],
    ['weekly with a deletion and re-creation', ([...daily(400).filter((_, i) => i % 7 === 0), [100.2, 'h']] satisfies Ev[]).sort((a, b) => b[0] - a[0])],
  ];
  for (const [name, spec] of Object.entries(BUILTIN_POLICIES)) {
    it.each(scenarios)(`${name}: %s`, (_title, events) => {
      const versions = history(NOW, events);
      const { decisions } = decide(versions, parsePolicy(name, spec), NOW);
      const engine = new Set(decisions.filter((d) => d.verdict === 'keep').map((d) => d.version.fileId));
      expect([...engine].sort()).toEqual([...modelKeep(versions, spec, NOW)].sort());
    });
  }
  it('matches the README: default on a file changed daily at 02:00 for two years, pruned at 12:00', () => {
    const now = Date.UTC(2026, 0, 1, 12);
    const events: [number, 'u'][] = [];
    for (let d = 730; d >= 0; d--) events.push([d + 10 / 24, 'u']);
    const keptAges = (extra: Ev[]): number[] =>
      decide(history(now, [...events, ...extra]), parsePolicy('default', BUILTIN_POLICIES.default!), now)
        .decisions.filter((d) => d.verdict === 'keep' && d.version.action === 'upload' && d.ageMs !== undefined)
        .map((d) => Math.round((d.ageMs! / DAY) * 100) / 100);
    const live = keptAges([]);
    expect(live).toHaveLength(41);
    expect(live.slice(0, 9)).toEqual([0.42, 1.42, 2.42, 3.42, 4.42, 5.42, 6.42, 7.42, 13.42]);
    expect(live.slice(-4)).toEqual([360.42, 364.42, 365.42, 729.42]);
    const deleted = keptAges([[1 / 24, 'h']]);
    expect(deleted).toHaveLength(40);
    expect(Math.max(...deleted)).toBe(364.42);
  });

  it('default keeps a bounded number of versions of a file changed daily for two years', () => {
    const versions = history(NOW, daily(730));
    const { decisions } = decide(versions, parsePolicy('default', BUILTIN_POLICIES.default!), NOW);
    const keptCount = decisions.filter((d) => d.verdict === 'keep').length;
    expect(keptCount).toBeGreaterThan(30);
    expect(keptCount).toBeLessThan(60);
  });
});
