// What main.ts runs once the arguments are parsed, loaded with import() from there: --help,
// --version and usage errors never evaluate the B2 client, crypt, policy and report code (start-up).
export { openEncryptedBucket } from '@rclone-b2/core';
export { checkHtmlTarget, writeHtmlReport } from '@rclone-b2/report';
export { explain } from './explain.js';
export { PrunePlan } from './html-plan.js';
export { printLifecycle } from './print-lifecycle.js';
export { loadPolicyConfig } from './policy/config.js';
export { prune } from './prune.js';
export { formatSummaryText } from './report.js';
export { savingOf } from './cost.js';
export { createProgress } from './progress.js';
