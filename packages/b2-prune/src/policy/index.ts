// The retention grammar, windows, built-ins and path rules live in core (shared with
// rsync-backup); re-exported so b2-prune's modules and tests keep one import.
export { BUILTIN_POLICIES, DEFAULT_POLICY, DAY_MS, expandAges, formatDays, formatWindow, globToRegExp, isGlob, parsePolicy, PathMatcher, PolicySpecError, windowFor } from '@rclone-b2/core';
export type { ExpandedAge, PathRule, Policy, PolicyChoice, Segment, Window } from '@rclone-b2/core';
export * from './decide.js';
export * from './config.js';
