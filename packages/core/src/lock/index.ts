export * from './pid-lock.js';
export * from './process-identity.js';
