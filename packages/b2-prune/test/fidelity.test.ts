// Fidelity to the original backblaze-prune-backups (issue 17, Deliver 4): each test states
// the original's behaviour and checks ours against it, or pins where ours differs and why.
import { describe, expect, it } from 'vitest';
import { BUILTIN_POLICIES, decide, expandAges, parsePolicy, parsePolicyConfig } from '../src/policy/index.js';
import { DAY, history } from './support/history.js';

const NOW = Date.UTC(2026, 5, 1, 12);

/** Days-ago of the kept versions of a file changed every day for `days` days, newest first. */
function keptOfDailyFile(policy: string, days: number): number[] {
  const events = Array.from({ length: days }, (_, i) => [days - i - 0.5, 'u'] as const);
  const { decisions } = decide(history(NOW, events), parsePolicy(policy, BUILTIN_POLICIES[policy]!), NOW);
  return decisions.filter((d) => d.verdict === 'keep').map((d) => Number(d.version.fileId.split('_')[1]!.replace('u', '')));
}

describe("the original's built-in policies three_months and six_months", () => {
  it('three_months = (1..7, *, 30, *, 91) as in the original: daily for a week, weekly to 30 days, every 30 days, a last window to 91, nothing older', () => {
    const policy = parsePolicy('three_months', BUILTIN_POLICIES.three_months!);
    expect(expandAges(policy, 400 * DAY).map((a) => a.days)).toEqual([1, 2, 3, 4, 5, 6, 7, 14, 21, 28, 30, 60, 90, 91]);
    expect(policy.endsWithWildcard).toBe(false);
    // A file changed daily for 200 days: an upload's age runs from the next day's upload
    // (rule 2); each window keeps its newest and oldest (rule 3); past 91 days nothing.
    expect(keptOfDailyFile('three_months', 200)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 14.5, 15.5, 21.5, 22.5, 28.5, 29.5, 30.5, 31.5, 60.5, 61.5, 90.5, 91.5]);
  });

  it('six_months = (1..7, *, 30, *, 182) as in the original: the same steps, a last window to 182, nothing older', () => {
    const policy = parsePolicy('six_months', BUILTIN_POLICIES.six_months!);
    expect(expandAges(policy, 400 * DAY).map((a) => a.days)).toEqual([1, 2, 3, 4, 5, 6, 7, 14, 21, 28, 30, 60, 90, 120, 150, 180, 182]);
    expect(keptOfDailyFile('six_months', 300)).toEqual([
      0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 14.5, 15.5, 21.5, 22.5, 28.5, 29.5, 30.5, 31.5, 60.5, 61.5, 90.5, 91.5, 120.5, 121.5, 150.5, 151.5, 180.5, 181.5, 182.5,
    ]);
  });

  it('both may be named in a policy file without defining them', () => {
    const config = parsePolicyConfig('[paths]\nmail/ = three_months\nlogs/ = six_months\n', 'p.ini');
    expect(config.matcher.choose('mail/inbox').policy.spec).toBe('1..7,*,30,*,91');
    expect(config.matcher.choose('logs/x').policy.spec).toBe('1..7,*,30,*,182');
  });
});

describe('path rule order', () => {
  // The original tried its path rules in the order written, first match wins. Ours: the
  // longest matching plain prefix wins wherever it is written, then globs in the order
  // written. They agree whenever specific rules are written before general ones (how the
  // original's own examples are written); they differ when a general prefix comes first,
  // where the original silently never reached the specific rule. Ours does not depend on
  // the order of prefixes, so a rule appended to the file later still takes effect.
  const text = (lines: string[]) => `[paths]\n${lines.join('\n')}\n`;

  it('specific before general: the same choice as first-match', () => {
    const config = parsePolicyConfig(text(['home/me/tmp/ = never', 'home/ = one_year']), 'p.ini');
    expect(config.matcher.choose('home/me/tmp/x').policy.name).toBe('never');
    expect(config.matcher.choose('home/me/doc').policy.name).toBe('one_year');
  });

  it('general before specific: ours picks the specific rule (first-match would pick home/)', () => {
    const config = parsePolicyConfig(text(['home/ = one_year', 'home/me/tmp/ = never']), 'p.ini');
    expect(config.matcher.choose('home/me/tmp/x').policy.name).toBe('never');
  });

  it('globs: first match in the order written, after every plain prefix', () => {
    const config = parsePolicyConfig(text(['*/.git/ = one_week', '*/.cache/ = never', '*.iso = never', 'src/ = one_month']), 'p.ini');
    expect(config.matcher.choose('a/.git/x').policy.name).toBe('one_week');
    expect(config.matcher.choose('a/.cache/.git/x').policy.name).toBe('one_week');
    // a plain prefix beats a glob written before it
    expect(config.matcher.choose('src/.git/x').policy.name).toBe('one_month');
    expect(config.matcher.choose('other').policy.name).toBe('default');
  });
});
