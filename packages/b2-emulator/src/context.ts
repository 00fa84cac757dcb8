import type { EmulatorClock } from './clock.js';
import type { FaultInjector } from './faults.js';
import type { StoredBucket, StoredVersion } from './model.js';
import type { Store } from './store.js';
import type { TestModeSwitch } from './test-mode.js';
import type { KeyRing, StoredKey } from './keys.js';
import { lockJson } from './object-lock.js';

export const TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

export interface UploadTarget {
  bucketId?: string;
  fileId?: string;
  /** The key that asked for the upload URL (its name prefix limits what may be uploaded). */
  key: StoredKey;
}

/** An account authorization token: until when it is good, and for which key. */
export interface TokenGrant {
  expires: number;
  key: StoredKey;
}

/** Everything a request handler needs. */
export interface EmulatorContext {
  store: Store;
  clock: EmulatorClock;
  faults: FaultInjector;
  /** X-Bz-Test-Mode handling, with the mode forced on every request if the emulator was started so. */
  testMode: TestModeSwitch;
  /** The master key and the keys made with b2_create_key. */
  keys: KeyRing;
  accountId: string;
  /** `http://127.0.0.1:PORT`, set once listening. */
  url: string;
  minimumPartSize: number;
  /** Account tokens → expiry (clock ms) and key. */
  tokens: Map<string, TokenGrant>;
  /** Upload tokens → what they may upload to. */
  uploadTokens: Map<string, UploadTarget>;
  /** Download authorizations → bucket and name prefix. */
  downloadTokens: Map<string, { bucketId: string; prefix: string; expires: number }>;
  nextId(): string;
  /** Clock time of the last lifecycle sweep. */
  lifecycleSweptAt: number;
}

/** The file object B2 returns, in the shape of API version `v` (v1 also carries `size`). */
export function fileJson(ctx: EmulatorContext, v: StoredVersion, apiVersion: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    accountId: ctx.accountId,
    action: v.action,
    bucketId: v.bucketId,
    contentLength: v.contentLength,
    contentMd5: null,
    contentSha1: v.contentSha1,
    contentType: v.contentType,
    fileId: v.fileId,
    fileInfo: v.fileInfo,
    fileName: v.fileName,
    serverSideEncryption: { algorithm: null, mode: null },
    uploadTimestamp: v.uploadTimestamp,
    ...lockJson(v),
  };
  if (apiVersion === 1) out.size = v.contentLength;
  return out;
}

export function folderJson(ctx: EmulatorContext, bucketId: string, fileName: string, apiVersion: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    accountId: ctx.accountId,
    action: 'folder',
    bucketId,
    contentLength: 0,
    contentMd5: null,
    contentSha1: null,
    contentType: null,
    fileId: null,
    fileInfo: {},
    fileName,
    uploadTimestamp: 0,
  };
  if (apiVersion === 1) out.size = 0;
  return out;
}

export function bucketJson(ctx: EmulatorContext, b: StoredBucket): Record<string, unknown> {
  return {
    accountId: ctx.accountId,
    bucketId: b.bucketId,
    bucketName: b.bucketName,
    bucketType: b.bucketType,
    bucketInfo: b.bucketInfo,
    corsRules: [],
    lifecycleRules: b.lifecycleRules,
    options: [],
    revision: b.revision,
    defaultServerSideEncryption: { isClientAuthorizedToRead: true, value: { algorithm: null, mode: null } },
    fileLockConfiguration: {
      isClientAuthorizedToRead: true,
      value: { defaultRetention: b.defaultRetention ?? { mode: null, period: null }, isFileLockEnabled: b.fileLockEnabled ?? false },
    },
  };
}
