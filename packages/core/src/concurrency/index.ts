export * from './semaphore.js';
export * from './map-limit.js';
