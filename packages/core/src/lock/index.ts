export * from './pid-lock.js';
