export { main } from './main.js';
export { joinMain } from './join-main.js';
export { splitDump, type SplitOptions, type SplitSummary } from './split.js';
export { joinPieces } from './join.js';
export { dumpAndSplit, type ConnectionOptions } from './dump/run-dump.js';
export { Splitter } from './splitter.js';
export { keyBetween, keysBetween } from './fractional-key.js';
export { rowHash, isCutPoint } from './row-hash.js';
