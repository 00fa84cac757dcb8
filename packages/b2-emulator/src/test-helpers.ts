// Helpers for the tests of the tools that work on B2: a throw-away rclone.conf pointing at
// an emulator, an end-to-end harness (emulator + config + real rclone + a tool run
// in-process), and an in-memory B2Api fake for unit tests of tool logic.
export * from './testing/rclone-config.js';
export * from './testing/e2e-harness.js';
export * from './testing/fake-b2.js';
export * from './testing/served.js';
