export {};
export * from './run-rclone.js';
