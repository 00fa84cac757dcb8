export * from './write-atomically.js';
export * from './lock-path.js';
