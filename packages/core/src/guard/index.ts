export * from './delete-limit.js';
export * from './local-source.js';
export * from './mount-point.js';
