export * from './lines.js';
export * from './sizes.js';
export * from './durations.js';
export * from './times.js';
export * from './quote-for-message.js';
