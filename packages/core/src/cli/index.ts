export * from './exit-codes.js';
export * from './errors.js';
export * from './io.js';
export * from './logger.js';
export * from './parser.js';
export * from './run-tool.js';
export * from './memory-io.js';
export * from './arguments.js';
