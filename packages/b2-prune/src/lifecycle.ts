// Bucket lifecycle rules next to b2-prune's policies. B2 applies lifecycle rules on its
// own, outside this tool: a rule that deletes hidden versions sooner than a policy keeps
// them silently defeats the policy, and a rule that hides files after N days makes live
// backups vanish. The check asks, for every version the policy keeps, whether a rule will
// delete it while the policy would still keep it. The printer turns a policy into the
// rule that keeps at least as much, so a user can let B2 do a simple retention.
import { supersededTimes, type B2FileVersion, type B2LifecycleRule } from '@rclone-b2/core';
import { decide } from './policy/decide.js';
import { DAY_MS, type Policy } from './policy/index.js';

/** The rule covering a B2 name (prefixes never overlap on B2, longest wins to be safe). */
export function ruleFor(rules: readonly B2LifecycleRule[], fileName: string): B2LifecycleRule | undefined {
  let best: B2LifecycleRule | undefined;
  for (const r of rules) if (fileName.startsWith(r.fileNamePrefix) && (!best || r.fileNamePrefix.length > best.fileNamePrefix.length)) best = r;
  return best;
}

interface Hit {
  files: number;
  versions: number;
  example: string;
}

export class LifecycleCheck {
  private readonly hits = new Map<B2LifecycleRule, Hit>();

  constructor(private readonly rules: readonly B2LifecycleRule[]) {}

  /** Notes what a rule would take of one file that the policy keeps (versions newest first). */
  check(path: string, versions: readonly B2FileVersion[], policy: Policy, now: number): void {
    const first = versions[0];
    const rule = first && this.rules.length > 0 ? ruleFor(this.rules, first.fileName) : undefined;
    if (!rule) return;
    let taken = 0;
    const current = versions.find((v) => v.action !== 'start');
    if (rule.daysFromUploadingToHiding && current?.action === 'upload') taken += 1;
    const days = rule.daysFromHidingToDeleting;
    if (days) {
      const superseded = supersededTimes(versions);
      const keptNow = new Set(decide(versions, policy, now, { reasons: false }).decisions.filter((d) => d.verdict === 'keep').map((d) => d.version.fileId));
      versions.forEach((v, i) => {
        const since = superseded[i];
        if (v.action !== 'upload' || since === undefined || !keptNow.has(v.fileId)) return;
        // when the rule deletes it (or now, if that is past): would the policy still keep it then?
        const due = Math.max(now, since + days * DAY_MS);
        if (decide(versions, policy, due, { reasons: false }).decisions.some((d) => d.version.fileId === v.fileId && d.verdict === 'keep')) taken += 1;
      });
    }
    if (taken === 0) return;
    const hit = this.hits.get(rule) ?? { files: 0, versions: 0, example: path };
    hit.files += 1;
    hit.versions += taken;
    this.hits.set(rule, hit);
  }

  /** One warning per rule that takes what the policies keep. */
  warnings(): string[] {
    return [...this.hits].map(([rule, hit]) => {
      const what = [
        rule.daysFromUploadingToHiding ? `hides files ${rule.daysFromUploadingToHiding} days after upload` : '',
        rule.daysFromHidingToDeleting ? `deletes versions ${rule.daysFromHidingToDeleting} days after they are hidden` : '',
      ].filter(Boolean).join(' and ');
      return (
        `bucket lifecycle rule for prefix "${rule.fileNamePrefix}" ${what}: it will take ${hit.versions} versions of ${hit.files} files ` +
        `that b2-prune's policy keeps (e.g. ${hit.example}); B2 applies it whatever this tool does — change the rule or the policy`
      );
    });
  }
}

/**
 * The B2 lifecycle rule that keeps at least what `policy` keeps under `fileNamePrefix`:
 * every old version for as long as the policy keeps any (B2 cannot thin, so it keeps more),
 * or undefined when the policy keeps some versions for ever (no rule can express that).
 * A policy that keeps no old version maps to B2's shortest, one day.
 */
export function lifecycleRuleFor(policy: Policy, fileNamePrefix: string): B2LifecycleRule | undefined {
  if (policy.endsWithWildcard || policy.last > 0) return undefined;
  return { fileNamePrefix, daysFromHidingToDeleting: Math.max(1, Math.ceil(policy.lastAge)), daysFromUploadingToHiding: null };
}
