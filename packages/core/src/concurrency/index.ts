export * from './semaphore.js';
export * from './map-limit.js';
export * from './task-pool.js';
