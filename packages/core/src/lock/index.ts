export * from './pid-lock.js';
export * from './process-identity.js';
export * from './lock-marker.js';
