export { startEmulator, type Emulator, type EmulatorOptions } from './emulator.js';
export { createClock, type EmulatorClock } from './clock.js';
export { FaultInjector, parseFaultSpec, FAULT_KINDS, type FaultConfig, type FaultKind, type FaultRule } from './faults.js';
export { TEST_MODES, isTestMode, type TestMode } from './test-mode.js';
export { B2ApiError } from './errors.js';
export { Store } from './store.js';
export { compareNames } from './names.js';
export type { StoredVersion, StoredBucket, StoredPart, LifecycleRule, FileRetention, RetentionMode, DefaultRetention } from './model.js';
export { applyLifecycle, type LifecycleResult } from './lifecycle.js';
export { lockOf } from './object-lock.js';
export { CAPABILITIES, REQUIRED_CAPABILITY, type StoredKey, type NewKey, KeyRing } from './keys.js';
export {
  writeRcloneTestConfig,
  obscure,
  type RcloneTestConfig,
  type RcloneTestConfigOptions,
  type EmulatorEndpoint,
} from './testing/rclone-config.js';
export { flipByte, truncateTo, type TamperOptions } from './tamper.js';
