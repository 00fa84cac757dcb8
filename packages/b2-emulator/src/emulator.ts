import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { diskBlobs, fileJournal, memoryBlobs, noJournal } from './blobs.js';
import { createClock, type EmulatorClock } from './clock.js';
import type { EmulatorContext } from './context.js';
import { FaultInjector, type FaultConfig, type FaultKind, type FaultRule } from './faults.js';
import { createHandler, newId } from './server.js';
import { Store } from './store.js';
import { TestModeSwitch, type TestMode } from './test-mode.js';
import { tamper, type TamperOptions } from './tamper.js';
import { CAPABILITIES, KeyRing, type StoredKey } from './keys.js';
import { applyLifecycle, type LifecycleResult } from './lifecycle.js';

export interface EmulatorOptions {
  /** TCP port; 0 or absent picks a free one. */
  port?: number;
  host?: string;
  /** Persist buckets, versions and contents here (across restarts). In memory when absent. */
  dataDir?: string;
  /** A clock to use (default: real time, movable with set/advance). */
  clock?: EmulatorClock;
  faults?: FaultConfig | FaultRule[];
  /** Behave as if every request carried this `X-Bz-Test-Mode` header (for clients that cannot send it). */
  testMode?: TestMode;
  keyId?: string;
  key?: string;
  /** Smallest allowed large-file part except the last (B2: 5,000,000). */
  minimumPartSize?: number;
  /** Restrict the application key to this bucket name (created if missing), like a B2 bucket-restricted key. */
  restrictToBucket?: string;
}

export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`; use it as rclone's `endpoint`. */
  url: string;
  port: number;
  keyId: string;
  key: string;
  accountId: string;
  clock: EmulatorClock;
  /** The data model, for direct seeding in tests and benchmarks. */
  store: Store;
  /** Requests served per API call name (including failed and faulted ones). */
  stats: Map<string, number>;
  setFaults(faults?: FaultConfig | FaultRule[]): void;
  /** Faults fired per kind since the last setFaults (or start). */
  faultsFired(): Map<FaultKind, number>;
  /** Forces an X-Bz-Test-Mode on every request (undefined: only requests that send the header). */
  setTestMode(mode?: TestMode): void;
  /** Damages a stored upload's bytes (see tamper.ts), e.g. `emulator.tamper(id, flipByte(100))`. */
  tamper(fileId: string, edit: (bytes: Buffer) => Buffer, options?: TamperOptions): void;
  /** Applies the buckets' lifecycle rules now (every request also does, before it runs). */
  applyLifecycle(): LifecycleResult;
  /** The account's application keys (master first); `keys.create(...)` makes one without HTTP. */
  keys: KeyRing;
  close(): Promise<void>;
}

interface Identity {
  keyId: string;
  key: string;
  accountId: string;
}

function identity(options: EmulatorOptions): Identity {
  const file = options.dataDir ? join(options.dataDir, 'account.json') : undefined;
  let saved: Partial<Identity> = {};
  if (file && existsSync(file)) saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Identity>;
  const accountId = saved.accountId ?? newId().slice(0, 12);
  const id: Identity = {
    accountId,
    keyId: options.keyId ?? saved.keyId ?? `000${accountId}0000000001`,
    key: options.key ?? saved.key ?? `K000${newId()}${newId().slice(0, 6)}`,
  };
  if (file) {
    mkdirSync(options.dataDir as string, { recursive: true });
    writeFileSync(file, `${JSON.stringify(id, null, 2)}\n`, { mode: 0o600 });
  }
  return id;
}

/** The key the emulator is started with: B2's master application key, with every capability. */
function masterKey(applicationKeyId: string, applicationKey: string): StoredKey {
  return { keyName: 'master', applicationKeyId, applicationKey, capabilities: [...CAPABILITIES], bucketId: null, namePrefix: null, expirationTimestamp: null };
}

/** Starts a B2 emulator (on a free port unless `port` is given). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { keyId, key, accountId } = identity(options);
  const store = options.dataDir ? new Store(diskBlobs(options.dataDir), fileJournal(options.dataDir)) : new Store(memoryBlobs(), noJournal());
  const clock = options.clock ?? createClock();
  const faults = new FaultInjector(options.faults);
  const ctx: EmulatorContext = {
    store,
    clock,
    faults,
    testMode: new TestModeSwitch(options.testMode),
    keys: new KeyRing(masterKey(keyId, key), options.dataDir ? join(options.dataDir, 'keys.json') : undefined),
    accountId,
    url: '',
    minimumPartSize: options.minimumPartSize ?? 5_000_000,
    tokens: new Map(),
    uploadTokens: new Map(),
    downloadTokens: new Map(),
    nextId: newId,
    lifecycleSweptAt: Number.NEGATIVE_INFINITY,
  };
  if (options.restrictToBucket) {
    const bucket = store.bucketByName(options.restrictToBucket) ?? store.createBucket(options.restrictToBucket, 'allPrivate', {}, []);
    // the started key becomes a bucket key: no key management, no bucket creation or deletion
    const master = ctx.keys.master;
    master.bucketId = bucket.bucketId;
    master.capabilities = master.capabilities.filter((c) => !/Keys$|^(listAllBucketNames|writeBuckets|deleteBuckets)$/.test(c));
  }
  const stats = new Map<string, number>();
  const handler = createHandler(ctx, stats);
  const server: Server = createServer((req, res) => void handler(req, res));
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.url = `http://${host}:${port}`;
  return {
    url: ctx.url,
    port,
    keyId,
    key,
    accountId,
    clock,
    store,
    stats,
    keys: ctx.keys,
    applyLifecycle: () => {
      ctx.lifecycleSweptAt = clock.now();
      return applyLifecycle(store, ctx.lifecycleSweptAt);
    },
    setFaults: (f) => faults.set(f),
    faultsFired: () => faults.firedByKind(),
    tamper: (fileId, edit, tamperOptions) => tamper(store, fileId, edit, tamperOptions),
    setTestMode: (mode) => {
      ctx.testMode.forced = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
