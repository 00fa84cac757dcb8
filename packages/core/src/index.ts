// The public API of @rclone-b2/core: every tool imports from here, never from deep paths.
export * from './cli/index.js';
export * from './text/index.js';
export * from './rclone/index.js';
export * from './crypt/index.js';
export * from './b2/index.js';
export * from './versions/index.js';
export * from './du/index.js';
export * from './random/index.js';
export * from './lock/index.js';
export * from './fs/index.js';
export * from './names/index.js';
export * from './concurrency/index.js';
export { TOOLSET_VERSION } from './version.js';
