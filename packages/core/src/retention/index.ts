export * from './grammar.js';
export * from './windows.js';
export * from './builtins.js';
export * from './path-rules.js';
export * from './thin-series.js';
