import { randomBytes } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CALLS } from './api.js';
import { TOKEN_LIFETIME_MS, type EmulatorContext } from './context.js';
import { B2ApiError, notFound } from './errors.js';
import { callParams, cutMidBody, readBody, sendError, sendJson } from './http-util.js';
import { currentVersion } from './listing.js';
import { sendDownload, uploadFile, uploadPart } from './transfer.js';
import { denied, requireCapability, type StoredKey } from './keys.js';
import { decodeName } from './names.js';
import { applyLifecycle } from './lifecycle.js';

const API = /^\/b2api\/v([1-4])\/([a-z0-9_]+)(?:\/([^/]+)\/([^/]+))?$/;

function keyOf(ctx: EmulatorContext, id: string, secret: string): StoredKey | undefined {
  const master = ctx.keys.master;
  // the master key also authorizes with the account id, as on B2
  if (id === ctx.accountId) return secret === master.applicationKey ? master : undefined;
  const key = ctx.keys.get(id);
  return key && key.applicationKey === secret ? key : undefined;
}

function authorizeAccount(ctx: EmulatorContext, req: IncomingMessage, v: number): Record<string, unknown> {
  const auth = req.headers.authorization ?? '';
  const m = /^Basic\s+(.+)$/i.exec(auth);
  if (!m?.[1]) throw new B2ApiError(401, 'bad_auth_token', 'Missing or invalid Basic authorization');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? undefined : keyOf(ctx, decoded.slice(0, colon), decoded.slice(colon + 1));
  if (!key) throw new B2ApiError(401, 'unauthorized', 'Invalid authorization: wrong application key id or key');
  const now = ctx.clock.now();
  if (key.expirationTimestamp !== null && now >= key.expirationTimestamp) throw new B2ApiError(401, 'unauthorized', 'Invalid authorization: the application key has expired');
  const authorizationToken = `4_${ctx.accountId}_auth_${ctx.nextId()}`;
  const expires = Math.min(now + TOKEN_LIFETIME_MS, key.expirationTimestamp ?? Number.POSITIVE_INFINITY);
  ctx.tokens.set(authorizationToken, { expires, key });
  const storage = {
    absoluteMinimumPartSize: ctx.minimumPartSize,
    apiUrl: ctx.url,
    downloadUrl: ctx.url,
    recommendedPartSize: 100_000_000,
    s3ApiUrl: ctx.url,
  };
  const bucket = key.bucketId ? ctx.store.listBuckets().find((b) => b.bucketId === key.bucketId) : undefined;
  const allowed = {
    // a key whose bucket was deleted keeps the id and reports no name, as B2 does
    bucketId: key.bucketId,
    bucketName: bucket?.bucketName ?? null,
    capabilities: key.capabilities,
    namePrefix: key.namePrefix,
  };
  if (v >= 3) {
    return {
      accountId: ctx.accountId,
      authorizationToken,
      apiInfo: { storageApi: { ...storage, ...allowed, infoType: 'storageApi' }, groupsApi: { infoType: 'groupsApi', groupsApiUrl: ctx.url, capabilities: [] } },
      applicationKeyExpirationTimestamp: key.expirationTimestamp,
    };
  }
  return { accountId: ctx.accountId, authorizationToken, ...storage, minimumPartSize: storage.recommendedPartSize, allowed };
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  return req.headers.authorization ?? url.searchParams.get('Authorization') ?? undefined;
}

/** The key behind a valid account token (401 missing/bad/expired otherwise; a deleted key's tokens are bad). */
function checkToken(ctx: EmulatorContext, token: string | undefined): StoredKey {
  if (!token) throw new B2ApiError(401, 'missing_auth_token', 'Authorization token is missing');
  const grant = ctx.tokens.get(token);
  if (grant === undefined || (grant.key !== ctx.keys.master && !ctx.keys.get(grant.key.applicationKeyId))) {
    throw new B2ApiError(401, 'bad_auth_token', 'Invalid authorization token');
  }
  if (ctx.clock.now() >= grant.expires) throw new B2ApiError(401, 'expired_auth_token', 'Authorization token has expired');
  return grant.key;
}

/** A download's authorization: a b2_get_download_authorization token for the name, or an account token whose key may read it. */
function checkDownloadToken(ctx: EmulatorContext, token: string | undefined, bucketId: string, fileName: string): void {
  const scoped = token ? ctx.downloadTokens.get(token) : undefined;
  if (scoped && scoped.bucketId === bucketId && fileName.startsWith(scoped.prefix) && ctx.clock.now() < scoped.expires) return;
  const key = checkToken(ctx, token);
  requireCapability(key, 'b2_download_file_by_name', bucketNameOf(ctx, key));
  checkFileAccess(ctx, key, bucketId, fileName);
}

const bucketNameOf = (ctx: EmulatorContext, key: StoredKey): string | undefined =>
  key.bucketId ? ctx.store.listBuckets().find((b) => b.bucketId === key.bucketId)?.bucketName : undefined;

/** A key restricted to a bucket or a name prefix may only touch files there. */
function checkFileAccess(ctx: EmulatorContext, key: StoredKey, bucketId: string, fileName: string): void {
  if (key.bucketId && bucketId !== key.bucketId) throw denied(key, bucketNameOf(ctx, key));
  if (key.namePrefix && !fileName.startsWith(key.namePrefix)) throw denied(key, bucketNameOf(ctx, key));
}

const NAME_FIELDS = ['fileName', 'prefix', 'namePrefix', 'fileNamePrefix'] as const;

/**
 * Enforces the key's capabilities and restrictions (B2 D2: a bucket key's v1 list_buckets
 * silently narrows, v2+ must name the bucket; names and listing prefixes must lie under
 * the key's namePrefix).
 */
function checkKey(ctx: EmulatorContext, key: StoredKey, call: string, params: Record<string, unknown>, v: number): void {
  requireCapability(key, call, bucketNameOf(ctx, key));
  const only = key.bucketId;
  if (only) {
    if (call === 'b2_list_buckets') {
      const name = ctx.store.listBuckets().find((b) => b.bucketId === only)?.bucketName;
      const named = params.bucketId === only || (name !== undefined && params.bucketName === name);
      if (!named && (v >= 2 || params.bucketId !== undefined || params.bucketName !== undefined)) throw denied(key, name);
      params.bucketId = only;
      return;
    }
    if (typeof params.bucketId === 'string' && params.bucketId !== only) throw denied(key, bucketNameOf(ctx, key));
    if (typeof params.destinationBucketId === 'string' && params.destinationBucketId !== only) throw denied(key, bucketNameOf(ctx, key));
  }
  const prefix = key.namePrefix;
  if (prefix && call !== 'b2_list_buckets' && call !== 'b2_get_upload_url' && !call.endsWith('_key') && !call.endsWith('_keys')) {
    const named = NAME_FIELDS.map((f) => params[f]).filter((x): x is string => typeof x === 'string');
    // a listing without a prefix would cover names outside the key's prefix
    if (call.startsWith('b2_list_file') || call === 'b2_list_unfinished_large_files') named.push(typeof params.prefix === 'string' || typeof params.namePrefix === 'string' ? prefix : '');
    for (const name of named) if (!name.startsWith(prefix)) throw denied(key, bucketNameOf(ctx, key));
  }
  for (const field of ['fileId', 'sourceFileId', 'largeFileId']) {
    const id = params[field];
    const version = typeof id === 'string' ? ctx.store.get(id) : undefined;
    if (version) checkFileAccess(ctx, key, version.bucketId, version.fileName);
  }
}

/** A name-prefix key may upload only under its prefix (checked at upload time, as the name comes with the upload). */
function checkUploadName(ctx: EmulatorContext, key: StoredKey, req: IncomingMessage): void {
  const raw = req.headers['x-bz-file-name'];
  const name = decodeName(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
  if (key.namePrefix && !name.startsWith(key.namePrefix)) throw denied(key, bucketNameOf(ctx, key));
}

/** Names the call a request makes (for faults and statistics). */
export function callName(path: string): string | undefined {
  if (path.startsWith('/file/')) return 'b2_download_file_by_name';
  return API.exec(path)?.[2];
}

/** Throws the injected failure for this call, if any (after its latency). */
async function injectFaults(ctx: EmulatorContext, call: string, req: IncomingMessage, url: URL): Promise<'drop' | 'drop-after' | 'cut' | undefined> {
  const decision = ctx.faults.decide(call);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  const rule = decision.failure;
  if (!rule) return undefined;
  switch (rule.kind) {
    case 'drop':
    case 'drop-after':
    case 'cut':
      return rule.kind;
    case '429':
      throw new B2ApiError(429, 'too_many_requests', 'Too many requests (injected)', rule.retryAfter === undefined ? {} : { 'Retry-After': String(rule.retryAfter) });
    case '503':
      throw new B2ApiError(503, 'service_unavailable', 'Service unavailable (injected)', rule.retryAfter === undefined ? {} : { 'Retry-After': String(rule.retryAfter) });
    case '500':
      throw new B2ApiError(500, 'internal_error', 'Internal server error (injected)');
    case 'expired': {
      const token = tokenOf(req, url);
      const grant = token ? ctx.tokens.get(token) : undefined;
      if (grant) grant.expires = 0;
      if (token) ctx.uploadTokens.delete(token);
      throw new B2ApiError(401, 'expired_auth_token', 'Authorization token has expired (injected)');
    }
    default:
      return undefined;
  }
}

/** B2's `X-Bz-Test-Mode` header (or the emulator's forced test mode). */
function applyTestMode(ctx: EmulatorContext, req: IncomingMessage, url: URL, call: string): void {
  const effect = ctx.testMode.effect(ctx.testMode.modeOf(req.headers['x-bz-test-mode']), call);
  if (effect.kind === 'none') return;
  if (effect.kind === 'expire') {
    const token = tokenOf(req, url);
    const grant = token ? ctx.tokens.get(token) : undefined;
    if (grant) grant.expires = 0;
  }
  throw effect.error;
}

async function route(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
  const head = req.method === 'HEAD';
  if (url.pathname.startsWith('/file/')) {
    const rest = url.pathname.slice('/file/'.length);
    const slash = rest.indexOf('/');
    if (slash < 0) throw notFound('No file name given');
    const bucket = ctx.store.bucketByName(decodeURIComponent(rest.slice(0, slash)));
    if (!bucket) throw notFound(`Bucket not found`);
    const fileName = decodeURIComponent(rest.slice(slash + 1));
    if (bucket.bucketType !== 'allPublic') checkDownloadToken(ctx, tokenOf(req, url), bucket.bucketId, fileName);
    sendDownload(ctx, res, currentVersion(ctx.store.versionsOf(bucket.bucketId, fileName)), req.headers.range, head);
    return;
  }
  const m = API.exec(url.pathname);
  if (!m) throw notFound(`Unknown path: ${url.pathname}`);
  const v = Number(m[1]);
  const call = m[2] as string;
  if (call === 'b2_authorize_account') {
    sendJson(res, 200, authorizeAccount(ctx, req, v));
    return;
  }
  if (call === 'b2_upload_file' || call === 'b2_upload_part') {
    const token = req.headers.authorization;
    const target = token ? ctx.uploadTokens.get(token) : undefined;
    const id = decodeURIComponent(m[3] ?? '');
    if (!target || (target.bucketId ?? target.fileId) !== id) throw new B2ApiError(401, 'bad_auth_token', 'Invalid upload authorization token');
    if (call === 'b2_upload_file') checkUploadName(ctx, target.key, req);
    sendJson(res, 200, call === 'b2_upload_file' ? uploadFile(ctx, id, req.headers, body, v) : uploadPart(ctx, id, req.headers, body));
    return;
  }
  if (call === 'b2_download_file_by_id') {
    const params = callParams(req, url, body);
    const fileId = typeof params.fileId === 'string' ? params.fileId : '';
    const version = ctx.store.get(fileId);
    const token = tokenOf(req, url);
    if (version) checkDownloadToken(ctx, token, version.bucketId, version.fileName);
    else requireCapability(checkToken(ctx, token), call);
    sendDownload(ctx, res, version, req.headers.range, head);
    return;
  }
  const handler = CALLS[call];
  if (!handler || m[3] !== undefined) throw notFound(`Unknown API call: ${call}`);
  const key = checkToken(ctx, tokenOf(req, url));
  const params = callParams(req, url, body);
  checkKey(ctx, key, call, params, v);
  sendJson(res, 200, handler(ctx, params, v, key));
}

/** A response that is never sent: the call takes effect but the client hears nothing. */
class SwallowedResponse extends ServerResponse {
  override end(): this {
    this.req.socket.destroy();
    return this;
  }

  override destroy(): this {
    this.req.socket.destroy();
    return this;
  }
}

function swallow(req: IncomingMessage): ServerResponse {
  return new SwallowedResponse(req);
}

/** B2 applies lifecycle rules in the background; here, before each request (when the clock moved), so tests see them exactly on time. */
function sweepLifecycle(ctx: EmulatorContext): void {
  const now = ctx.clock.now();
  if (now === ctx.lifecycleSweptAt) return;
  const buckets = ctx.store.listBuckets().filter((b) => b.lifecycleRules.length > 0);
  if (buckets.length === 0) return;
  ctx.lifecycleSweptAt = now;
  applyLifecycle(ctx.store, now, buckets);
}

/** The request listener: body, faults, routing, errors as B2 JSON. */
export function createHandler(ctx: EmulatorContext, stats: Map<string, number>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const head = req.method === 'HEAD';
    try {
      const body = await readBody(req);
      const call = callName(url.pathname);
      if (call) {
        stats.set(call, (stats.get(call) ?? 0) + 1);
        const drop = await injectFaults(ctx, call, req, url);
        if (drop === 'drop') {
          req.socket.destroy();
          return;
        }
        if (drop === 'cut') cutMidBody(res);
        if (drop === 'drop-after') {
          await route(ctx, req, swallow(req), url, body).catch(() => undefined);
          req.socket.destroy();
          return;
        }
        applyTestMode(ctx, req, url, call);
      }
      sweepLifecycle(ctx);
      await route(ctx, req, res, url, body);
    } catch (error) {
      const b2 = error instanceof B2ApiError ? error : new B2ApiError(500, 'internal_error', error instanceof Error ? error.message : String(error));
      if (!res.headersSent) sendError(res, b2, head);
      else res.destroy();
    }
  };
}

export const newId = (): string => randomBytes(12).toString('hex');
