export * from './name-bytes.js';
export * from './rclone-encoding.js';
export * from './escape-name.js';
export * from './stored-on-b2.js';
export * from './local-paths.js';
