import type { Writable } from 'node:stream';
import { encryptedBucketName, ProblemError, writeWithBackpressure, type B2Api, type B2FileVersion, type NameCipher } from '@rclone-b2/core';
import { decide } from './policy/decide.js';
import type { PolicyConfig } from './policy/config.js';
import type { PolicyChoice } from './policy/index.js';
import { fileJson, formatExplainText } from './report.js';
import type { PrunePlan } from './html-plan.js';

export interface ExplainRun {
  client: Pick<B2Api, 'listFileVersions'>;
  bucketId: string;
  prefix: string;
  names: NameCipher;
  config: PolicyConfig;
  now: number;
  purge: boolean;
  /** Plain path of one file, relative to the crypt remote's root. */
  path: string;
  json: boolean;
  /** -h: sizes as du -h prints them. */
  human?: boolean;
  out: Writable;
  /** --html: the file's decisions, for the page. */
  plan?: PrunePlan;
}

/**
 * --explain PATH: every version of one file with its time, size, verdict and reason.
 * Lists only that name's versions (its encrypted name is the listing prefix); deletes
 * nothing.
 */
export async function explain(run: ExplainRun): Promise<void> {
  const path = run.path.replace(/^\/+/, '');
  const fileName = encryptedBucketName(run.names, run.prefix, path);
  const versions: B2FileVersion[] = [];
  for await (const version of run.client.listFileVersions(run.bucketId, { prefix: fileName, startFileName: fileName, pageSize: 1000 })) {
    if (version.fileName !== fileName) break;
    versions.push(version);
  }
  if (versions.length === 0) throw new ProblemError(`no versions of "${path}" (B2 name ${fileName})`);
  const never = run.config.policies.get('never');
  const choice: PolicyChoice = run.purge && never ? { policy: never } : run.config.matcher.choose(path);
  const decision = decide(versions, choice.policy, run.now);
  run.plan?.add(path, choice, decision);
  const text = run.json
    ? `${JSON.stringify(fileJson(path, fileName, choice, decision))}\n`
    : formatExplainText(path, fileName, choice, decision, true, run.human);
  await writeWithBackpressure(run.out, text);
}
