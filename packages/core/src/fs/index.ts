export * from './write-atomically.js';
