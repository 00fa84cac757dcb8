import { toB2Key, type B2CreatedKey, type B2Key, type B2NewKey } from './keys.js';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { basicAuth, parseAuthorization, type B2Authorization } from './auth.js';
import { verifyingStream } from './download.js';
import { B2Error, B2UnreachableError } from './errors.js';
import { answerTimeout, DEFAULT_TIMEOUT_MS } from './answer-timeout.js';
import { describeNetworkError } from './network-error.js';
import { redact } from '../cli/logger.js';
import { decodeHeaderName, encodeFileName, expectedSha1, infoFromHeaders, toFileVersion } from './files.js';
import { backoffMs, isRetryableStatus, resolveRetry, retryAfterMs, systemClock, type B2Clock, type ResolvedRetry, type RetryOptions } from './retry.js';
import { Semaphore } from '../concurrency/index.js';
import { parseListingBody } from './listing-json.js';
import { billedTransactions, emptyTransactionCounts, transactionClass } from './transactions.js';
import type { B2Api, B2Bucket, B2LifecycleRule, B2Download, B2FileVersion, B2Part, B2VersionPage, ListVersionsOptions, TransactionCounts } from './types.js';

/** Token renewals per call that do not count against its retries. */
const FREE_TOKEN_RENEWALS_PER_CALL = 2;

export const DEFAULT_B2_ENDPOINT = 'https://api.backblazeb2.com';

export interface B2ClientOptions {
  applicationKeyId: string;
  applicationKey: string;
  /** API endpoint (rclone's `endpoint =`), default https://api.backblazeb2.com. */
  endpoint?: string;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  retry?: RetryOptions;
  fetch?: typeof fetch;
  /** Aborts every call of this client. */
  signal?: AbortSignal;
  clock?: B2Clock;
  /** API version for calls (default `v3`; the emulator and B2 serve v1..v4). */
  apiVersion?: 'v1' | 'v2' | 'v3' | 'v4';
  userAgent?: string;
  /** How long to wait for a call's answer (its headers) before retrying it (default 300 s, rclone's --timeout). */
  timeoutMs?: number;
  /** Called before each retry (for -v logging); never given secrets. */
  onRetry?: (event: B2RetryEvent) => void;
}

export interface B2RetryEvent {
  call: string;
  /**
   * The retry this is, 1 for the first (never above `retries`); for a token renewal that is
   * not counted (`counted` false), the retries used so far.
   */
  attempt: number;
  /** False for a token renewal that does not spend one of the `retries`. */
  counted: boolean;
  status: number;
  code: string;
  /** How long the client waits before retrying (0 after re-authorizing). */
  waitMs: number;
  reauthorized: boolean;
  /** Why the call failed: B2's message, or the network error (never secrets). */
  reason: string;
  /** Retries this client allows per call. */
  retries: number;
}

type Json = Record<string, unknown>;

interface RequestSpec {
  call: string;
  /** Builds the request with the current authorization (re-evaluated after re-authorizing). */
  build: (auth: B2Authorization) => { url: string; init: RequestInit };
  signal?: AbortSignal;
  /** Keep the response body unread (downloads); the slot is released once headers arrive. */
  stream?: boolean;
  /** Read the body as bytes, not text (listing pages: see listing-json.ts). */
  bytes?: boolean;
  /**
   * An error code that means success when seen on a retry after a failure whose outcome is
   * unknown (network error or 5xx): e.g. `file_not_present` for a delete that did happen.
   */
  doneIfRetriedWith?: string;
}

export interface UploadOptions {
  contentType?: string;
  fileInfo?: Record<string, string>;
  signal?: AbortSignal;
}

/** Backblaze B2 native-API client (fetch, no SDK) implementing B2Api. */
export class B2Client implements B2Api {
  readonly transactions: TransactionCounts = emptyTransactionCounts();
  /** Successful calls by API call name. */
  readonly calls: Record<string, number> = {};
  /** Payload bytes uploaded (successful uploads) and downloaded (as received). */
  readonly bytes = { up: 0, down: 0 };
  /** Set by authorize() before the client is handed out. */
  private auth!: B2Authorization;
  /** False until the first b2_authorize_account answers: until then an unreachable server fails at once. */
  private authorized = false;
  private reauthorizing: Promise<B2Authorization> | undefined;
  private readonly semaphore: Semaphore;
  private readonly retry: ResolvedRetry;
  private readonly clock: B2Clock;
  private readonly fetchImpl: typeof fetch;
  private readonly version: string;
  private readonly uploadUrls = new Map<string, Array<{ uploadUrl: string; authorizationToken: string }>>();

  private constructor(private readonly options: B2ClientOptions) {
    this.semaphore = new Semaphore(options.concurrency ?? 8);
    this.retry = resolveRetry(options.retry);
    this.clock = options.clock ?? systemClock;
    this.fetchImpl = options.fetch ?? fetch;
    this.version = options.apiVersion ?? 'v3';
  }

  /** Authorizes with an application key and returns a ready client. */
  static async authorize(options: B2ClientOptions): Promise<B2Client> {
    const client = new B2Client(options);
    client.auth = await client.authorizeAccount(options.signal);
    return client;
  }

  /** What the key may do (no token). */
  get authorization(): Omit<B2Authorization, 'authorizationToken'> {
    const { authorizationToken: _token, ...rest } = this.auth;
    void _token;
    return rest;
  }

  get accountId(): string {
    return this.auth.accountId;
  }

  private secrets(): string[] {
    return [this.auth?.authorizationToken, this.options.applicationKey].filter((x): x is string => Boolean(x));
  }

  private count(call: string, entries?: number): void {
    this.transactions[transactionClass(call)] += billedTransactions(call, entries);
    this.calls[call] = (this.calls[call] ?? 0) + 1;
  }

  private signalFor(signal?: AbortSignal): AbortSignal | undefined {
    const signals = [this.options.signal, signal].filter((s): s is AbortSignal => s !== undefined);
    if (signals.length <= 1) return signals[0];
    return AbortSignal.any(signals);
  }

  private async authorizeAccount(signal?: AbortSignal): Promise<B2Authorization> {
    const endpoint = (this.options.endpoint ?? DEFAULT_B2_ENDPOINT).replace(/\/+$/, '');
    const { text } = await this.request({
      call: 'b2_authorize_account',
      signal,
      build: () => ({
        url: `${endpoint}/b2api/${this.version}/b2_authorize_account`,
        init: { method: 'GET', headers: { Authorization: basicAuth(this.options.applicationKeyId, this.options.applicationKey) } },
      }),
    });
    const auth = parseAuthorization(JSON.parse(text) as Json);
    this.authorized = true;
    this.count('b2_authorize_account');
    return auth;
  }

  /** Gets a fresh token once, however many calls saw the old one expire. */
  private async reauthorize(staleToken: string, signal?: AbortSignal): Promise<void> {
    if (this.auth.authorizationToken !== staleToken) return;
    this.reauthorizing ??= this.authorizeAccount(signal).finally(() => {
      this.reauthorizing = undefined;
    });
    this.auth = await this.reauthorizing;
    this.uploadUrls.clear();
  }

  private notifyRetry(call: string, attempt: number, failure: B2Error, waitMs: number, reauthorized: boolean, counted = true): void {
    this.options.onRetry?.({
      call,
      // a free renewal may come after the last counted retry: numbering it would print "6/5"
      attempt: counted ? attempt + 1 : attempt,
      counted,
      status: failure.status,
      code: failure.code,
      waitMs,
      reauthorized,
      reason: failure.b2Message,
      retries: this.retry.retries,
    });
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { 'User-Agent': this.options.userAgent ?? 'rclone-b2-tools/0.1', ...extra };
  }

  /** One call with the concurrency limit, retries, back-off, Retry-After and re-authorization. */
  private async request(spec: RequestSpec): Promise<{ response: Response; text: string; body?: Buffer }> {
    const signal = this.signalFor(spec.signal);
    const isAuthorize = spec.call === 'b2_authorize_account';
    let outcomeUnknown = false;
    let freeRenewals = FREE_TOKEN_RENEWALS_PER_CALL;
    for (let attempt = 0; ; attempt++) {
      const auth = this.auth;
      const { url, init } = spec.build(auth);
      let failure: B2Error;
      let waitMs: number | undefined;
      const release = await this.semaphore.acquire(signal);
      // only the wait for the answer's headers is bounded: a long download may take its time
      const answer = answerTimeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal);
      try {
        let response: Response;
        try {
          response = await this.fetchImpl(url, { ...init, headers: this.headers(init.headers as Record<string, string>), signal: answer.signal });
          answer.clear();
        } catch (error) {
          if (signal?.aborted) throw signal.reason;
          if (answer.timedOut()) throw new B2Error(spec.call, 0, 'network_error', `no answer within ${answer.ms / 1000} s`);
          const net = describeNetworkError(error);
          // A wrong endpoint, a closed port or a failed DNS lookup before we ever got in is
          // not transient: say so now instead of retrying silently for half a minute.
          if (isAuthorize && !this.authorized && net.neverConnected) throw new B2UnreachableError(new URL(url).origin, net.reason);
          throw new B2Error(spec.call, 0, 'network_error', redact(net.message, this.secrets()));
        }
        if (response.ok) {
          if (spec.stream) return { response, text: '' };
          try {
            if (spec.bytes) return { response, text: '', body: Buffer.from(await response.arrayBuffer()) };
            return { response, text: await response.text() };
          } catch (error) {
            // An answer cut off mid-body (e.g. a listing page) is a network failure: retry it.
            if (signal?.aborted) throw signal.reason;
            throw new B2Error(spec.call, 0, 'network_error', `answer cut short: ${redact(describeNetworkError(error).message, this.secrets())}`);
          }
        }
        const text = await response.text().catch(() => undefined);
        // An error answer cut off mid-body says nothing reliable (not even its code): retry it.
        if (text === undefined) throw new B2Error(spec.call, 0, 'network_error', `answer cut short (HTTP ${response.status})`);
        let code = 'unknown';
        let message = text.slice(0, 200) || response.statusText;
        try {
          const json = JSON.parse(text) as Json;
          if (typeof json.code === 'string') code = json.code;
          if (typeof json.message === 'string') message = json.message;
        } catch {
          // not JSON: keep the text
        }
        failure = new B2Error(spec.call, response.status, code, redact(message, this.secrets()));
        waitMs = retryAfterMs(response.headers.get('retry-after'), this.clock.now());
      } catch (error) {
        if (!(error instanceof B2Error) || error.code !== 'network_error') throw error;
        failure = error;
      } finally {
        answer.clear();
        release();
      }
      if (outcomeUnknown && spec.doneIfRetriedWith !== undefined && failure.code === spec.doneIfRetriedWith) return { response: new Response('{}'), text: '{}' };
      if (failure.status === 0 || failure.status >= 500) outcomeUnknown = true;
      const tokenRefused = failure.status === 401 && (failure.code === 'expired_auth_token' || failure.code === 'bad_auth_token') && !isAuthorize;
      // A token another call already renews (or renewed) was refused for that call, which
      // counts it: with many calls out at once, one expiry must not use up all their renewals.
      if (tokenRefused && (this.auth.authorizationToken !== auth.authorizationToken || this.reauthorizing !== undefined)) {
        await this.reauthorize(auth.authorizationToken, signal);
        attempt--;
        continue;
      }
      // A token that expired says nothing about the server's health: renewing it does not
      // spend a retry (a few times per call, so a key B2 keeps refusing still runs out).
      const freeRenewal = tokenRefused && freeRenewals > 0;
      if (freeRenewal) freeRenewals--;
      else if (attempt >= this.retry.retries) throw failure;
      if (tokenRefused) {
        this.notifyRetry(spec.call, attempt, failure, 0, true, !freeRenewal);
        await this.reauthorize(auth.authorizationToken, signal);
        if (freeRenewal) attempt--;
        continue;
      }
      if (failure.status !== 0 && !isRetryableStatus(failure.status)) throw failure;
      const delay = waitMs ?? backoffMs(this.retry, attempt);
      this.notifyRetry(spec.call, attempt, failure, delay, false);
      await this.clock.sleep(delay, signal);
    }
  }

  private async callJson(call: string, body: Json, signal?: AbortSignal, entries?: (r: Json) => number, doneIfRetriedWith?: string): Promise<Json> {
    const listing = call === 'b2_list_file_versions' || call === 'b2_list_file_names';
    const answer = await this.request({
      call,
      signal,
      doneIfRetriedWith,
      bytes: listing,
      build: (auth) => ({
        url: `${auth.apiUrl}/b2api/${this.version}/${call}`,
        init: { method: 'POST', headers: { Authorization: auth.authorizationToken, 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
      }),
    });
    const json = answer.body !== undefined ? parseListingBody(answer.body) : (JSON.parse(answer.text) as Json);
    this.count(call, entries?.(json));
    return json;
  }

  // ---- application keys ----

  /** b2_create_key: the answer carries the new key's secret, the only time B2 shows it. */
  async createKey(spec: B2NewKey, options: { signal?: AbortSignal } = {}): Promise<B2CreatedKey> {
    const json = await this.callJson('b2_create_key', { accountId: this.auth.accountId, ...spec }, options.signal);
    return { ...toB2Key(json), applicationKey: String(json.applicationKey ?? '') };
  }

  /** b2_list_keys, page by page (secrets are never listed). */
  async *listKeys(options: { signal?: AbortSignal } = {}): AsyncGenerator<B2Key> {
    let start: string | undefined;
    do {
      const page = await this.callJson('b2_list_keys', { accountId: this.auth.accountId, maxKeyCount: 1000, ...(start ? { startApplicationKeyId: start } : {}) }, options.signal);
      for (const k of (page.keys as Json[] | undefined) ?? []) yield toB2Key(k);
      start = typeof page.nextApplicationKeyId === 'string' ? page.nextApplicationKeyId : undefined;
    } while (start);
  }

  async deleteKey(applicationKeyId: string, options: { signal?: AbortSignal } = {}): Promise<B2Key> {
    return toB2Key(await this.callJson('b2_delete_key', { applicationKeyId }, options.signal));
  }

  // ---- buckets ----

  async listBuckets(options: { bucketName?: string; bucketId?: string; signal?: AbortSignal } = {}): Promise<B2Bucket[]> {
    const body: Json = { accountId: this.auth.accountId };
    if (options.bucketName) body.bucketName = options.bucketName;
    if (options.bucketId) body.bucketId = options.bucketId;
    if (!options.bucketName && !options.bucketId && this.auth.allowed.bucketId) body.bucketId = this.auth.allowed.bucketId;
    const json = await this.callJson('b2_list_buckets', body, options.signal);
    return ((json.buckets as Json[] | undefined) ?? []).map((b) => ({
      bucketId: String(b.bucketId),
      bucketName: String(b.bucketName),
      bucketType: String(b.bucketType),
      ...(Array.isArray(b.lifecycleRules) ? { lifecycleRules: b.lifecycleRules as B2LifecycleRule[] } : {}),
    }));
  }

  async getBucket(bucketName: string, options: { signal?: AbortSignal } = {}): Promise<B2Bucket> {
    const [bucket] = await this.listBuckets({ bucketName, signal: options.signal });
    if (!bucket) throw new B2Error('b2_list_buckets', 404, 'no_such_bucket', `bucket "${bucketName}" not found (or not visible to this key)`);
    return bucket;
  }

  async createBucket(bucketName: string, bucketType: 'allPrivate' | 'allPublic' = 'allPrivate', options: { signal?: AbortSignal } = {}): Promise<B2Bucket> {
    const b = await this.callJson('b2_create_bucket', { accountId: this.auth.accountId, bucketName, bucketType }, options.signal);
    return { bucketId: String(b.bucketId), bucketName: String(b.bucketName), bucketType: String(b.bucketType) };
  }

  // ---- listings ----

  listFileVersions(bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    return this.list('b2_list_file_versions', bucketId, options);
  }

  listFileNames(bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    return this.list('b2_list_file_names', bucketId, options);
  }

  /**
   * One b2_list_file_versions call: the page and the cursor to continue from (none at the
   * end). The parallel lister (parallel-list.ts) drives several such cursors at once.
   */
  async listFileVersionsPage(bucketId: string, options: ListVersionsOptions = {}): Promise<B2VersionPage> {
    return this.listPage('b2_list_file_versions', bucketId, options);
  }

  private async listPage(call: 'b2_list_file_names' | 'b2_list_file_versions', bucketId: string, o: ListVersionsOptions): Promise<B2VersionPage> {
    const body: Json = { bucketId, maxFileCount: Math.max(1, Math.min(10_000, Math.floor(o.pageSize ?? 1000))) };
    if (o.prefix) body.prefix = o.prefix;
    if (o.delimiter) body.delimiter = o.delimiter;
    if (o.startFileName !== undefined) body.startFileName = o.startFileName;
    if (call === 'b2_list_file_versions' && o.startFileId !== undefined && o.startFileName !== undefined) body.startFileId = o.startFileId;
    const page = await this.callJson(call, body, o.signal, (r) => (Array.isArray(r.files) ? r.files.length : 0));
    return {
      files: ((page.files as Json[] | undefined) ?? []).map(toFileVersion),
      ...(typeof page.nextFileName === 'string' ? { nextFileName: page.nextFileName } : {}),
      ...(typeof page.nextFileId === 'string' ? { nextFileId: page.nextFileId } : {}),
    };
  }

  /** Pages through a listing, fetching the next page while the current one is consumed. */
  private async *list(call: 'b2_list_file_names' | 'b2_list_file_versions', bucketId: string, o: ListVersionsOptions): AsyncGenerator<B2FileVersion> {
    const fetchPage = (startFileName?: string, startFileId?: string): Promise<B2VersionPage> =>
      this.listPage(call, bucketId, { ...o, startFileName, startFileId });
    let pending: Promise<B2VersionPage> | undefined = fetchPage(o.startFileName, o.startFileId);
    try {
      while (pending) {
        const page: B2VersionPage = await pending;
        pending = undefined;
        if (page.nextFileName !== undefined) {
          pending = fetchPage(page.nextFileName, page.nextFileId);
          pending.catch(() => undefined);
        }
        yield* page.files;
      }
    } finally {
      pending?.catch(() => undefined);
    }
  }

  async *listUnfinishedLargeFiles(bucketId: string, options: { namePrefix?: string; signal?: AbortSignal } = {}): AsyncGenerator<B2FileVersion> {
    let startFileId: string | undefined;
    for (;;) {
      const body: Json = { bucketId, maxFileCount: 100 };
      if (options.namePrefix) body.namePrefix = options.namePrefix;
      if (startFileId) body.startFileId = startFileId;
      const page = await this.callJson('b2_list_unfinished_large_files', body, options.signal);
      for (const f of (page.files as Json[] | undefined) ?? []) yield toFileVersion(f);
      if (typeof page.nextFileId !== 'string') return;
      startFileId = page.nextFileId;
    }
  }

  /** The uploaded parts of an unfinished large file (b2_list_parts, 1,000 per call). */
  async *listParts(fileId: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<B2Part> {
    let startPartNumber = 1;
    for (;;) {
      const page = await this.callJson('b2_list_parts', { fileId, startPartNumber, maxPartCount: 1000 }, options.signal);
      for (const p of (page.parts as Json[] | undefined) ?? []) {
        yield { partNumber: Number(p.partNumber), contentLength: typeof p.contentLength === 'number' ? p.contentLength : 0 };
      }
      if (typeof page.nextPartNumber !== 'number') return;
      startPartNumber = page.nextPartNumber;
    }
  }

  // ---- single-file calls ----

  async hideFile(bucketId: string, fileName: string, options: { signal?: AbortSignal } = {}): Promise<B2FileVersion> {
    return toFileVersion(await this.callJson('b2_hide_file', { bucketId, fileName }, options.signal));
  }

  async deleteFileVersion(fileName: string, fileId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    // A delete retried after a lost answer may find the version already gone: that is success.
    await this.callJson('b2_delete_file_version', { fileName, fileId }, options.signal, undefined, 'file_not_present');
  }

  async getFileInfo(fileId: string, options: { signal?: AbortSignal } = {}): Promise<B2FileVersion> {
    return toFileVersion(await this.callJson('b2_get_file_info', { fileId }, options.signal));
  }

  async cancelLargeFile(fileId: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.callJson('b2_cancel_large_file', { fileId }, options.signal);
  }

  // ---- downloads ----

  async downloadFileById(fileId: string, options: { signal?: AbortSignal; range?: { start: number; end: number } } = {}): Promise<B2Download> {
    return this.download('b2_download_file_by_id', (auth) => `${auth.downloadUrl}/b2api/${this.version}/b2_download_file_by_id?fileId=${encodeURIComponent(fileId)}`, fileId, options);
  }

  async downloadFileByName(bucketName: string, fileName: string, options: { signal?: AbortSignal; range?: { start: number; end: number } } = {}): Promise<B2Download> {
    return this.download('b2_download_file_by_name', (auth) => `${auth.downloadUrl}/file/${encodeFileName(bucketName)}/${encodeFileName(fileName)}`, fileName, options);
  }

  private async download(call: string, url: (auth: B2Authorization) => string, label: string, options: { signal?: AbortSignal; range?: { start: number; end: number } }): Promise<B2Download> {
    const range = options.range;
    const { response } = await this.request({
      call,
      signal: options.signal,
      stream: true,
      build: (auth) => ({
        url: url(auth),
        init: { method: 'GET', headers: { Authorization: auth.authorizationToken, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) } },
      }),
    });
    this.count(call);
    const h = response.headers;
    const fileInfo = infoFromHeaders(h);
    const contentSha1 = h.get('x-bz-content-sha1');
    const contentLength = Number(h.get('content-length') ?? Number.NaN);
    const partial = range !== undefined || response.status === 206;
    const sha1 = partial ? undefined : expectedSha1(contentSha1, fileInfo);
    const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
    body.on('data', (chunk: Uint8Array) => (this.bytes.down += chunk.length));
    const verify = verifyingStream(decodeHeaderName(h.get('x-bz-file-name') ?? label), Number.isFinite(contentLength) ? contentLength : undefined, sha1);
    body.on('error', (error) => verify.destroy(error));
    body.pipe(verify);
    return {
      stream: verify,
      contentLength: Number.isFinite(contentLength) ? contentLength : 0,
      contentSha1,
      fileName: decodeHeaderName(h.get('x-bz-file-name') ?? ''),
      fileInfo,
      uploadTimestamp: Number(h.get('x-bz-upload-timestamp') ?? 0),
    };
  }

  // ---- uploads (small files; for seeding and tests) ----

  /** b2_upload_file with a SHA-1; a failed upload URL is dropped and a new one fetched (B2's upload rule). */
  async uploadFile(bucketId: string, fileName: string, data: Uint8Array, options: UploadOptions = {}): Promise<B2FileVersion> {
    const sha1 = createHash('sha1').update(data).digest('hex');
    const signal = this.signalFor(options.signal);
    for (let attempt = 0; ; attempt++) {
      const pool = this.uploadUrls.get(bucketId) ?? [];
      const target = pool.pop() ?? (await this.getUploadUrl(bucketId, signal));
      const headers: Record<string, string> = {
        Authorization: target.authorizationToken,
        'X-Bz-File-Name': encodeFileName(fileName),
        'Content-Type': options.contentType ?? 'application/octet-stream',
        'X-Bz-Content-Sha1': sha1,
      };
      for (const [k, v] of Object.entries(options.fileInfo ?? {})) headers[`X-Bz-Info-${k}`] = encodeFileName(v);
      let failure: B2Error;
      let waitMs: number | undefined;
      const release = await this.semaphore.acquire(signal);
      try {
        const response = await this.fetchImpl(target.uploadUrl, { method: 'POST', headers: this.headers(headers), body: data, signal });
        const text = await response.text();
        if (response.ok) {
          this.count('b2_upload_file');
          this.bytes.up += data.length;
          pool.push(target);
          this.uploadUrls.set(bucketId, pool);
          return toFileVersion(JSON.parse(text) as Json);
        }
        let code = 'unknown';
        let message = text.slice(0, 200);
        try {
          const json = JSON.parse(text) as Json;
          code = String(json.code);
          message = String(json.message);
        } catch {
          // keep text
        }
        failure = new B2Error('b2_upload_file', response.status, code, redact(message, [...this.secrets(), target.authorizationToken]));
        waitMs = retryAfterMs(response.headers.get('retry-after'), this.clock.now());
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        failure = new B2Error('b2_upload_file', 0, 'network_error', redact(describeNetworkError(error).message, this.secrets()));
      } finally {
        release();
      }
      const retryable = failure.status === 0 || failure.status === 401 || isRetryableStatus(failure.status);
      if (!retryable || attempt >= this.retry.retries) throw failure;
      const delay = failure.status === 401 ? 0 : (waitMs ?? backoffMs(this.retry, attempt));
      this.notifyRetry('b2_upload_file', attempt, failure, delay, false);
      if (delay > 0) await this.clock.sleep(delay, signal);
    }
  }

  private async getUploadUrl(bucketId: string, signal?: AbortSignal): Promise<{ uploadUrl: string; authorizationToken: string }> {
    const json = await this.callJson('b2_get_upload_url', { bucketId }, signal);
    return { uploadUrl: String(json.uploadUrl), authorizationToken: String(json.authorizationToken) };
  }
}
