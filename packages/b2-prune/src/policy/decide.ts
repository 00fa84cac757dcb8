import { DAY_MS, formatDays, formatWindow, isVisibleKind, judgeOldUploads, supersededTimes, type B2FileVersion, type Policy, type Window } from '@rclone-b2/core';

export type Verdict = 'keep' | 'delete' | 'ignore';

/** Which rule of TOOLS.md (or `last=N`) produced a verdict. */
export type Rule = 'current' | 'window' | 'live-only' | 'too-old' | 'last' | 'hide' | 'unfinished';

export interface VersionDecision {
  version: B2FileVersion;
  verdict: Verdict;
  rule: Rule;
  reason: string;
  /** When it stopped being current (rule 2); undefined for the newest version. */
  supersededAt?: number;
  /** now − supersededAt, in milliseconds. */
  ageMs?: number;
  window?: Window;
}

export interface FileDecision {
  live: boolean;
  decisions: VersionDecision[];
}

const ordinal = (n: number): string => {
  const suffix = n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
};

/**
 * Applies a policy to one name's history (newest first) at `now` (ms), following
 * TOOLS.md's rules:
 * 1. the current version of a live file is kept;
 * 2. an old version's age runs from when it stopped being current (next newer version's
 *    upload time, hide markers included);
 * 3. in each window the newest and oldest upload are kept, the others deleted; in a `?`
 *    window of a deleted file all are deleted;
 * 4. a hide marker is kept only while an older kept upload needs it: it covers the uploads
 *    between it and the next older hide marker, and is kept iff one of them is kept;
 * 5. uploads older than the last window are deleted unless the spec ends with a wildcard.
 * `last=N` additionally keeps the N newest old uploads. Every version gets a reason.
 */
export function decide(versions: readonly B2FileVersion[], policy: Policy, now: number, options: DecideOptions = {}): FileDecision {
  const withReasons = options.reasons ?? true;
  const superseded = supersededTimes(versions);
  const firstVisible = versions.findIndex(isVisibleKind);
  const live = firstVisible >= 0 && versions[firstVisible]!.action === 'upload';
  const decisions: VersionDecision[] = new Array<VersionDecision>(versions.length);
  for (let index = 0; index < versions.length; index += 1) {
    const at = superseded[index];
    decisions[index] = { version: versions[index]!, verdict: 'ignore', rule: 'unfinished', reason: '', supersededAt: at, ageMs: at === undefined ? undefined : now - at, window: undefined };
  }
  const set = (decision: VersionDecision, verdict: Verdict, rule: Rule, reason: () => string): void => {
    decision.verdict = verdict;
    decision.rule = rule;
    if (withReasons) decision.reason = reason();
  };

  // Uploads: rule 1 here, rules 3 and 5 and last=N by core's retention (shared with rsync-backup).
  const oldUploads: number[] = [];
  for (let index = 0; index < versions.length; index += 1) {
    const version = versions[index]!;
    const decision = decisions[index]!;
    if (!isVisibleKind(version)) {
      if (withReasons) decision.reason = `unfinished large file (${version.action}): not judged by the policy`;
      continue;
    }
    if (version.action !== 'upload') continue;
    if (index === firstVisible) {
      set(decision, 'keep', 'current', () => 'current version of a live file (rule 1)');
      continue;
    }
    oldUploads.push(index);
  }
  const verdicts = judgeOldUploads(oldUploads.map((index) => decisions[index]!.ageMs ?? 0), policy, live);
  oldUploads.forEach((index, at) => {
    const decision = decisions[index]!;
    const verdict = verdicts[at]!;
    decision.window = verdict.window;
    const where = (): string => `window ${formatWindow(verdict.window!)}`;
    const members = verdict.members ?? 1;
    const position = verdict.position ?? 0;
    switch (verdict.rule) {
      case 'too-old':
        set(decision, 'delete', 'too-old', () =>
          policy.segments.length === 0 ? `policy "${policy.name}" keeps no old versions` : `older than the last window (${formatDays(policy.lastAge)} d) (rule 5)`,
        );
        break;
      case 'live-only':
        set(decision, 'delete', 'live-only', () => `in "?" window ${formatWindow(verdict.window!)} of a deleted file (rule 3)`);
        break;
      case 'last':
        set(decision, 'keep', 'last', () => `one of the ${policy.last} newest old versions (last=${policy.last})`);
        break;
      case 'window':
        if (members === 1) set(decision, 'keep', 'window', () => `only upload in ${where()} (rule 3)`);
        else if (position === 0) set(decision, 'keep', 'window', () => `newest upload in ${where()} (rule 3)`);
        else if (position === members - 1) set(decision, 'keep', 'window', () => `oldest upload in ${where()} (rule 3)`);
        else set(decision, 'delete', 'window', () => `${ordinal(position + 1)} of ${members} uploads in ${where()}: only the newest and oldest are kept (rule 3)`);
        break;
    }
  });

  // Hide markers (rule 4), from the oldest up: a hide covers the uploads below it up to
  // the next older hide.
  let keptBelow = 0;
  for (let index = versions.length - 1; index >= 0; index -= 1) {
    const version = versions[index]!;
    const decision = decisions[index]!;
    if (version.action === 'upload') {
      if (decision.verdict === 'keep') keptBelow += 1;
    } else if (version.action === 'hide') {
      const count = keptBelow;
      if (count > 0) {
        set(decision, 'keep', 'hide', () => `hide marker needed to keep ${count === 1 ? 'an older kept upload' : `${count} older kept uploads`} hidden (rule 4)`);
      } else {
        set(decision, 'delete', 'hide', () => 'hide marker no older kept upload needs (rule 4)');
      }
      keptBelow = 0;
    }
  }
  return { live, decisions };
}

export interface DecideOptions {
  /** Build the reason texts (default true); a run that prints nothing skips them. */
  reasons?: boolean;
}

/** `13.5 d` */
export function formatAge(ageMs: number): string {
  return `${formatDays(Math.round((ageMs / DAY_MS) * 100) / 100)} d`;
}
