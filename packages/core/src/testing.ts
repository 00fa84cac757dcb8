// @rclone-b2/core/testing: helpers for tests only; tools never import this entry point.

// Running a tool in-process over memory streams
export { memoryIO, runInMemory, type InMemoryRun, type MemoryIO } from './cli/memory-io.js';

// Processes the lock tests kill and watch
export { processEnded } from './lock/process-ended.js';
