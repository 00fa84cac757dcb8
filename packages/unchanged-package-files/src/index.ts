export { unchangedPackageFiles, type Summary, type UnchangedOptions } from './unchanged.js';
export { excludeRule, SYNTAXES, type Syntax } from './patterns.js';
