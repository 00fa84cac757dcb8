export * from './types.js';
export * from './errors.js';
export * from './keys.js';
export * from './encodings.js';
export * from './names.js';
export * from './content.js';
export { removeVersionSuffix, addVersionSuffix, versionedPath } from './version-suffix.js';
export * from './open-crypt-remote.js';
