export * from './group.js';
export * from './history.js';
export * from './password-check.js';
export * from './list.js';
export * from './delete.js';
export * from './crypt-files.js';
export * from './open-encrypted-bucket.js';
export * from './no-such-path.js';
