export * from './lines.js';
export * from './sizes.js';
export * from './durations.js';
export * from './times.js';
export * from './iec-size.js';
export * from './quote-for-message.js';
