export * from './types.js';
export * from './detect.js';
export * from './long-listing.js';
export * from './ls.js';
export * from './rclone.js';
export * from './du.js';
