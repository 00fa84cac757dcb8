export * from './policy/index.js';
export { main, parseOptions, type PruneCliOptions, type MainDependencies } from './main.js';
export { prune, type PruneRun } from './prune.js';
export { explain, type ExplainRun } from './explain.js';
export type { PruneSummary } from './report.js';
