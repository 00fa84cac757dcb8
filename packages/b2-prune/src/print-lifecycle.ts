import type { Writable } from 'node:stream';
import { encryptedBucketName, UsageError, writeWithBackpressure, type Logger, type NameCipher } from '@rclone-b2/core';
import { lifecycleRuleFor } from './lifecycle.js';
import type { PolicyConfig } from './policy/config.js';

export interface PrintLifecycleRun {
  names: NameCipher;
  /** The crypt remote's path inside the bucket ('' for the root). */
  prefix: string;
  /** REMOTE:PATH's PATH ('' = the whole remote). */
  path: string;
  config: PolicyConfig;
  purge: boolean;
  out: Writable;
  log: Logger;
}

/**
 * `--print-lifecycle`: the lifecycleRules array (b2_update_bucket's JSON) for the policy of
 * PATH, on the encrypted prefix B2 sees. Path rules below PATH cannot be expressed (B2 rule
 * prefixes may not overlap, and most rules are globs), so they are named on stderr.
 */
export async function printLifecycle(run: PrintLifecycleRun): Promise<void> {
  const never = run.config.policies.get('never');
  const choice = run.purge && never ? { policy: never } : run.config.matcher.choose(run.path === '' ? '' : `${run.path}/`);
  const where = run.path === '' ? (run.prefix === '' ? '' : `${run.prefix}/`) : `${encryptedBucketName(run.names, run.prefix, run.path)}/`;
  const rule = lifecycleRuleFor(choice.policy, where);
  if (!rule) {
    throw new UsageError(
      `policy ${choice.policy.name} = "${choice.policy.spec}" keeps some versions for ever (a trailing wildcard or last=N); no B2 lifecycle rule can express that`,
    );
  }
  if (run.config.rules.length > 0) run.log.warn(`path rules in ${run.config.source ?? 'the policy file'} that choose other policies below ${run.path || 'the root'} are not expressed: B2 lifecycle prefixes may not overlap`);
  run.log.notice(
    `policy ${choice.policy.name} = "${choice.policy.spec}" keeps nothing older than ${rule.daysFromHidingToDeleting} days; ` +
      `this rule keeps every old version that long (B2 cannot thin), so it keeps at least what the policy keeps`,
  );
  await writeWithBackpressure(run.out, `${JSON.stringify([rule])}\n`);
}
