export * from './obscure.js';
export * from './ini.js';
export * from './config-crypt.js';
export * from './config.js';
export * from './remotes.js';
export * from './run-rclone.js';
export * from './links.js';
