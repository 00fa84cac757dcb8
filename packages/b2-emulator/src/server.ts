import { randomBytes } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CALLS } from './api.js';
import { TOKEN_LIFETIME_MS, type EmulatorContext } from './context.js';
import { B2ApiError, notFound } from './errors.js';
import { callParams, cutMidBody, readBody, sendError, sendJson } from './http-util.js';
import { currentVersion } from './listing.js';
import { sendDownload, uploadFile, uploadPart } from './transfer.js';

const API = /^\/b2api\/v([1-4])\/([a-z0-9_]+)(?:\/([^/]+)\/([^/]+))?$/;

function authorizeAccount(ctx: EmulatorContext, req: IncomingMessage, v: number): Record<string, unknown> {
  const auth = req.headers.authorization ?? '';
  const m = /^Basic\s+(.+)$/i.exec(auth);
  if (!m?.[1]) throw new B2ApiError(401, 'bad_auth_token', 'Missing or invalid Basic authorization');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const id = decoded.slice(0, colon);
  const key = decoded.slice(colon + 1);
  if (colon < 0 || (id !== ctx.keyId && id !== ctx.accountId) || key !== ctx.key) {
    throw new B2ApiError(401, 'unauthorized', 'Invalid authorization: wrong application key id or key');
  }
  const authorizationToken = `4_${ctx.accountId}_auth_${ctx.nextId()}`;
  ctx.tokens.set(authorizationToken, ctx.clock.now() + TOKEN_LIFETIME_MS);
  const capabilities = ['listKeys', 'writeKeys', 'deleteKeys', 'listBuckets', 'listAllBucketNames', 'readBuckets', 'writeBuckets',
    'deleteBuckets', 'listFiles', 'readFiles', 'shareFiles', 'writeFiles', 'deleteFiles'];
  const storage = {
    absoluteMinimumPartSize: ctx.minimumPartSize,
    apiUrl: ctx.url,
    downloadUrl: ctx.url,
    recommendedPartSize: 100_000_000,
    s3ApiUrl: ctx.url,
  };
  const restricted = ctx.restrictedBucketId ? ctx.store.bucketById(ctx.restrictedBucketId) : undefined;
  const allowed = {
    bucketId: restricted?.bucketId ?? null,
    bucketName: restricted?.bucketName ?? null,
    capabilities: restricted ? capabilities.filter((c) => !/Keys$|^(listAllBucketNames|writeBuckets|deleteBuckets)$/.test(c)) : capabilities,
    namePrefix: null,
  };
  if (v >= 3) {
    return {
      accountId: ctx.accountId,
      authorizationToken,
      apiInfo: { storageApi: { ...storage, ...allowed, infoType: 'storageApi' }, groupsApi: { infoType: 'groupsApi', groupsApiUrl: ctx.url, capabilities: [] } },
      applicationKeyExpirationTimestamp: null,
    };
  }
  return { accountId: ctx.accountId, authorizationToken, ...storage, minimumPartSize: storage.recommendedPartSize, allowed };
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  return req.headers.authorization ?? url.searchParams.get('Authorization') ?? undefined;
}

function checkToken(ctx: EmulatorContext, token: string | undefined): void {
  if (!token) throw new B2ApiError(401, 'missing_auth_token', 'Authorization token is missing');
  const expires = ctx.tokens.get(token);
  if (expires === undefined) throw new B2ApiError(401, 'bad_auth_token', 'Invalid authorization token');
  if (ctx.clock.now() >= expires) throw new B2ApiError(401, 'expired_auth_token', 'Authorization token has expired');
}

function checkDownloadToken(ctx: EmulatorContext, token: string | undefined, bucketId: string, fileName: string): void {
  const scoped = token ? ctx.downloadTokens.get(token) : undefined;
  if (scoped && scoped.bucketId === bucketId && fileName.startsWith(scoped.prefix) && ctx.clock.now() < scoped.expires) return;
  checkToken(ctx, token);
}

const unauthorized = (what: string): B2ApiError => new B2ApiError(401, 'unauthorized', `The application key is restricted to one bucket: ${what}`);

/** Enforces a bucket-restricted key (B2 D2: v1 list_buckets silently narrows, v2+ must name the bucket). */
function checkRestriction(ctx: EmulatorContext, call: string, params: Record<string, unknown>, v: number): void {
  const only = ctx.restrictedBucketId;
  if (!only) return;
  if (call === 'b2_create_bucket' || call === 'b2_delete_bucket') throw unauthorized(call);
  if (call === 'b2_list_buckets') {
    const name = ctx.store.bucketById(only).bucketName;
    const named = params.bucketId === only || params.bucketName === name;
    if (!named && (v >= 2 || params.bucketId !== undefined || params.bucketName !== undefined)) throw unauthorized('name the allowed bucket');
    params.bucketId = only;
    return;
  }
  if (typeof params.bucketId === 'string' && params.bucketId !== only) throw unauthorized(params.bucketId);
  if (typeof params.destinationBucketId === 'string' && params.destinationBucketId !== only) throw unauthorized(params.destinationBucketId);
  for (const field of ['fileId', 'sourceFileId', 'largeFileId']) {
    const id = params[field];
    const version = typeof id === 'string' ? ctx.store.get(id) : undefined;
    if (version && version.bucketId !== only) throw unauthorized(String(id));
  }
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
      if (token && ctx.tokens.has(token)) ctx.tokens.set(token, 0);
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
    if (token && ctx.tokens.has(token)) ctx.tokens.set(token, 0);
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
    if (ctx.restrictedBucketId && bucket.bucketId !== ctx.restrictedBucketId && bucket.bucketType !== 'allPublic') throw unauthorized(bucket.bucketName);
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
    sendJson(res, 200, call === 'b2_upload_file' ? uploadFile(ctx, id, req.headers, body, v) : uploadPart(ctx, id, req.headers, body));
    return;
  }
  if (call === 'b2_download_file_by_id') {
    const params = callParams(req, url, body);
    const fileId = typeof params.fileId === 'string' ? params.fileId : '';
    const version = ctx.store.get(fileId);
    if (version && ctx.restrictedBucketId && version.bucketId !== ctx.restrictedBucketId) throw unauthorized(fileId);
    const token = tokenOf(req, url);
    if (version && ctx.downloadTokens.has(token ?? '')) checkDownloadToken(ctx, token, version.bucketId, version.fileName);
    else checkToken(ctx, token);
    sendDownload(ctx, res, version, req.headers.range, head);
    return;
  }
  const handler = CALLS[call];
  if (!handler || m[3] !== undefined) throw notFound(`Unknown API call: ${call}`);
  checkToken(ctx, tokenOf(req, url));
  const params = callParams(req, url, body);
  checkRestriction(ctx, call, params, v);
  sendJson(res, 200, handler(ctx, params, v));
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
      await route(ctx, req, res, url, body);
    } catch (error) {
      const b2 = error instanceof B2ApiError ? error : new B2ApiError(500, 'internal_error', error instanceof Error ? error.message : String(error));
      if (!res.headersSent) sendError(res, b2, head);
      else res.destroy();
    }
  };
}

export const newId = (): string => randomBytes(12).toString('hex');
