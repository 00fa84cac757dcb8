import { B2ApiError, badRequest, notFound } from './errors.js';
import { bucketJson, fileJson, folderJson, type EmulatorContext } from './context.js';
import { info, int, listingBody, str, type JsonParts } from './http-util.js';
import { list } from './listing.js';
import { checkFileName } from './names.js';
import type { LifecycleRule, StoredVersion } from './model.js';
import { copyFile, copyPart, finishLargeFile } from './large-files.js';
import { denied, keyJson, type StoredKey } from './keys.js';
import { checkRetentionChange, defaultRetentionAt, lockedError, lockOf, parseDefaultRetention, parseRetention } from './object-lock.js';

type Params = Record<string, unknown>;
export type CallHandler = (ctx: EmulatorContext, p: Params, apiVersion: number, key: StoredKey) => Record<string, unknown> | JsonParts;

function checkAccount(ctx: EmulatorContext, p: Params): void {
  const accountId = str(p, 'accountId', true);
  if (accountId !== ctx.accountId) throw new B2ApiError(401, 'unauthorized', 'Account id does not match the authorization');
}

function lifecycle(p: Params): LifecycleRule[] | undefined {
  const v = p.lifecycleRules;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw badRequest('lifecycleRules must be an array');
  if (v.length > 100) throw badRequest('at most 100 lifecycle rules');
  const rules = (v as Record<string, unknown>[]).map((r): LifecycleRule => {
    if (typeof r.fileNamePrefix !== 'string') throw badRequest('lifecycle rule needs fileNamePrefix');
    const days = (k: string): number | null => {
      const d = r[k];
      if (d === undefined || d === null) return null;
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw badRequest(`${k} must be a positive whole number of days or null`);
      return d;
    };
    const rule = { fileNamePrefix: r.fileNamePrefix, daysFromUploadingToHiding: days('daysFromUploadingToHiding'), daysFromHidingToDeleting: days('daysFromHidingToDeleting'), daysFromStartingToCancelingUnfinishedLargeFiles: days('daysFromStartingToCancelingUnfinishedLargeFiles') };
    if (rule.daysFromUploadingToHiding === null && rule.daysFromHidingToDeleting === null && rule.daysFromStartingToCancelingUnfinishedLargeFiles === null) throw badRequest('a lifecycle rule needs at least one number of days');
    return rule;
  });
  for (const a of rules) for (const b of rules) if (a !== b && b.fileNamePrefix.startsWith(a.fileNamePrefix)) throw badRequest(`lifecycle rule prefixes overlap: "${a.fileNamePrefix}" and "${b.fileNamePrefix}"`);
  return rules;
}

function checkedName(p: Params, field = 'fileName'): string {
  const name = str(p, field, true);
  const problem = checkFileName(name);
  if (problem) throw badRequest(problem);
  return name;
}

function listCall(ctx: EmulatorContext, p: Params, v: number, allVersions: boolean): JsonParts {
  const bucketId = str(p, 'bucketId', true);
  const maxFileCount = int(p, 'maxFileCount', 100) || 100;
  if (maxFileCount < 1 || maxFileCount > 10000) throw new B2ApiError(400, 'out_of_range', `maxFileCount out of range: ${maxFileCount}`);
  const startFileName = str(p, 'startFileName');
  const startFileId = allVersions ? str(p, 'startFileId') : undefined;
  if (startFileId && startFileName === undefined) throw badRequest('startFileId requires startFileName');
  const result = list(ctx.store, {
    bucketId,
    startFileName,
    startFileId,
    maxFileCount,
    prefix: str(p, 'prefix') ?? '',
    delimiter: str(p, 'delimiter'),
  }, allVersions);
  const files = result.entries.map((e) => (e.kind === 'folder' ? folderJson(ctx, bucketId, e.fileName, v) : fileJson(ctx, e.version, v)));
  const tail: Record<string, unknown> = { nextFileName: result.nextFileName };
  if (allVersions) tail.nextFileId = result.nextFileId;
  return listingBody(files, tail);
}

function existing(ctx: EmulatorContext, fileId: string): StoredVersion {
  const version = ctx.store.get(fileId);
  if (!version) throw notFound(`File not present: ${fileId}`);
  return version;
}

function uploadUrl(ctx: EmulatorContext, v: number, kind: 'b2_upload_file' | 'b2_upload_part', target: string, key: StoredKey): { uploadUrl: string; authorizationToken: string } {
  const authorizationToken = `4_upload_${ctx.nextId()}`;
  ctx.uploadTokens.set(authorizationToken, kind === 'b2_upload_file' ? { bucketId: target, key } : { fileId: target, key });
  return { uploadUrl: `${ctx.url}/b2api/v${v}/${kind}/${encodeURIComponent(target)}/${ctx.nextId().slice(0, 12)}`, authorizationToken };
}

/** b2_create_key's optional duration: a positive whole number of seconds under 1000 days. */
function expiration(ctx: EmulatorContext, p: Params): number | undefined {
  if (p.validDurationInSeconds === undefined || p.validDurationInSeconds === null) return undefined;
  const s = int(p, 'validDurationInSeconds', 0);
  if (s < 1 || s >= 1000 * 86400) throw badRequest('validDurationInSeconds must be 1 second to less than 1000 days');
  return ctx.clock.now() + s * 1000;
}

/** `bypassGovernance: true`, which only a key with the bypassGovernance capability may ask for. */
function bypassRequested(p: Params, key: StoredKey): boolean {
  if (p.bypassGovernance !== true) return false;
  if (!key.capabilities.includes('bypassGovernance')) throw denied(key);
  return true;
}

/** The version an Object Lock call names, in a bucket with Object Lock enabled. */
function lockable(ctx: EmulatorContext, p: Params): StoredVersion {
  const fileName = str(p, 'fileName', true);
  const fileId = str(p, 'fileId', true);
  const version = ctx.store.get(fileId);
  if (!version || version.fileName !== fileName || version.action !== 'upload') throw new B2ApiError(400, 'file_not_present', `File not present: ${fileName} ${fileId}`);
  if (!ctx.store.bucketById(version.bucketId).fileLockEnabled) throw badRequest('Object Lock is not enabled on this bucket');
  return version;
}

export const CALLS: Record<string, CallHandler> = {
  b2_update_file_retention(ctx, p, _v, key) {
    const version = lockable(ctx, p);
    const next = parseRetention(p.fileRetention);
    checkRetentionChange(version.retention, next, ctx.clock.now(), bypassRequested(p, key));
    const { retention: _old, ...rest } = version;
    ctx.store.replaceVersion(next ? { ...rest, retention: next } : rest);
    return { fileId: version.fileId, fileName: version.fileName, fileRetention: next ?? { mode: null, retainUntilTimestamp: null } };
  },
  b2_update_file_legal_hold(ctx, p) {
    const version = lockable(ctx, p);
    const legalHold = p.legalHold;
    if (legalHold !== 'on' && legalHold !== 'off') throw badRequest('legalHold must be "on" or "off"');
    ctx.store.replaceVersion({ ...version, legalHold });
    return { fileId: version.fileId, fileName: version.fileName, legalHold };
  },
  b2_create_key(ctx, p) {
    checkAccount(ctx, p);
    const capabilities = p.capabilities;
    if (!Array.isArray(capabilities) || !capabilities.every((c) => typeof c === 'string')) throw badRequest('capabilities must be an array of strings');
    const bucketId = str(p, 'bucketId');
    if (bucketId !== undefined) ctx.store.bucketById(bucketId);
    const key = ctx.keys.create(ctx.accountId, {
      keyName: str(p, 'keyName', true),
      capabilities: capabilities as string[],
      bucketId,
      namePrefix: str(p, 'namePrefix'),
      expirationTimestamp: expiration(ctx, p),
    });
    // the only answer that carries the secret
    return { ...keyJson(ctx.accountId, key), applicationKey: key.applicationKey };
  },
  b2_list_keys(ctx, p) {
    checkAccount(ctx, p);
    const max = int(p, 'maxKeyCount', 100) || 100;
    if (max < 1 || max > 10000) throw new B2ApiError(400, 'out_of_range', `maxKeyCount out of range: ${max}`);
    const start = str(p, 'startApplicationKeyId');
    const all = ctx.keys.list().filter((k) => start === undefined || k.applicationKeyId >= start);
    return { keys: all.slice(0, max).map((k) => keyJson(ctx.accountId, k)), nextApplicationKeyId: all[max]?.applicationKeyId ?? null };
  },
  b2_delete_key(ctx, p) {
    return keyJson(ctx.accountId, ctx.keys.delete(str(p, 'applicationKeyId', true)));
  },
  b2_list_buckets(ctx, p) {
    checkAccount(ctx, p);
    const bucketId = str(p, 'bucketId');
    const bucketName = str(p, 'bucketName');
    const buckets = ctx.store
      .listBuckets()
      .filter((b) => (!bucketId || b.bucketId === bucketId) && (!bucketName || b.bucketName === bucketName))
      .map((b) => bucketJson(ctx, b));
    return { buckets };
  },
  b2_create_bucket(ctx, p) {
    checkAccount(ctx, p);
    const bucketType = str(p, 'bucketType', true);
    if (bucketType !== 'allPrivate' && bucketType !== 'allPublic') throw badRequest(`Invalid bucketType: ${bucketType}`);
    const created = ctx.store.createBucket(str(p, 'bucketName', true), bucketType, info(p, 'bucketInfo'), lifecycle(p) ?? []);
    if (p.fileLockEnabled !== true) return bucketJson(ctx, created);
    return bucketJson(ctx, ctx.store.updateBucket({ ...created, fileLockEnabled: true, defaultRetention: parseDefaultRetention(p.defaultRetention) }));
  },
  b2_update_bucket(ctx, p) {
    checkAccount(ctx, p);
    const bucket = ctx.store.bucketById(str(p, 'bucketId', true));
    const ifRevisionIs = p.ifRevisionIs;
    if (ifRevisionIs !== undefined && ifRevisionIs !== bucket.revision) throw new B2ApiError(409, 'conflict', 'ifRevisionIs does not match');
    const bucketType = str(p, 'bucketType') ?? bucket.bucketType;
    const bucketInfo = p.bucketInfo === undefined ? bucket.bucketInfo : info(p, 'bucketInfo');
    if (p.fileLockEnabled === false && bucket.fileLockEnabled) throw badRequest('Object Lock cannot be disabled once enabled');
    const fileLockEnabled = p.fileLockEnabled === true || bucket.fileLockEnabled === true;
    if (p.defaultRetention !== undefined && !fileLockEnabled) throw badRequest('defaultRetention needs fileLockEnabled');
    const defaultRetention = p.defaultRetention === undefined ? (bucket.defaultRetention ?? null) : parseDefaultRetention(p.defaultRetention);
    return bucketJson(ctx, ctx.store.updateBucket({ ...bucket, bucketType, bucketInfo, lifecycleRules: lifecycle(p) ?? bucket.lifecycleRules, fileLockEnabled, defaultRetention }));
  },
  b2_delete_bucket(ctx, p) {
    checkAccount(ctx, p);
    return bucketJson(ctx, ctx.store.deleteBucket(str(p, 'bucketId', true)));
  },
  b2_get_upload_url(ctx, p, v, key) {
    const bucketId = str(p, 'bucketId', true);
    ctx.store.bucketById(bucketId);
    return { bucketId, ...uploadUrl(ctx, v, 'b2_upload_file', bucketId, key) };
  },
  b2_list_file_names: (ctx, p, v) => listCall(ctx, p, v, false),
  b2_list_file_versions: (ctx, p, v) => listCall(ctx, p, v, true),
  b2_hide_file(ctx, p, v) {
    const bucketId = str(p, 'bucketId', true);
    ctx.store.bucketById(bucketId);
    const fileName = checkedName(p);
    const current = ctx.store.versionsOf(bucketId, fileName).find((x) => x.action !== 'start');
    if (!current) throw new B2ApiError(400, 'no_such_file', `File not present: ${fileName}`);
    if (current.action === 'hide') throw new B2ApiError(400, 'already_hidden', `File already hidden: ${fileName}`);
    const hidden = ctx.store.addVersion({
      bucketId,
      fileName,
      action: 'hide',
      contentLength: 0,
      contentSha1: null,
      contentType: 'application/x-bz-hide-marker',
      fileInfo: {},
      uploadTimestamp: ctx.clock.now(),
    });
    return fileJson(ctx, hidden, v);
  },
  b2_delete_file_version(ctx, p, _v, key) {
    const fileName = str(p, 'fileName', true);
    const fileId = str(p, 'fileId', true);
    const version = ctx.store.get(fileId);
    if (!version || version.fileName !== fileName) throw new B2ApiError(400, 'file_not_present', `File not present: ${fileName} ${fileId}`);
    const bypass = bypassRequested(p, key);
    const locked = lockOf(version, ctx.clock.now(), bypass);
    if (locked) throw lockedError(fileName, locked);
    ctx.store.deleteVersion(fileId);
    return { fileId, fileName };
  },
  b2_get_file_info(ctx, p, v) {
    const version = existing(ctx, str(p, 'fileId', true));
    if (version.action === 'start') throw badRequest(`File is an unfinished large file: ${version.fileId}`);
    return fileJson(ctx, version, v);
  },
  b2_start_large_file(ctx, p, v) {
    const bucketId = str(p, 'bucketId', true);
    const bucket = ctx.store.bucketById(bucketId);
    const retention = parseRetention(p.fileRetention) ?? defaultRetentionAt(bucket, ctx.clock.now());
    if ((retention || p.legalHold !== undefined) && !bucket.fileLockEnabled) throw badRequest('Object Lock is not enabled on this bucket');
    const started = ctx.store.addVersion({
      ...(retention ? { retention } : {}),
      ...(p.legalHold === 'on' || p.legalHold === 'off' ? { legalHold: p.legalHold } : {}),
      bucketId,
      fileName: checkedName(p),
      action: 'start',
      contentLength: 0,
      contentSha1: 'none',
      contentType: str(p, 'contentType', true),
      fileInfo: info(p, 'fileInfo'),
      uploadTimestamp: ctx.clock.now(),
    });
    return fileJson(ctx, started, v);
  },
  b2_get_upload_part_url(ctx, p, v, key) {
    const fileId = str(p, 'fileId', true);
    const version = ctx.store.get(fileId);
    if (version?.action !== 'start') throw badRequest(`No active upload for: ${fileId}`);
    return { fileId, ...uploadUrl(ctx, v, 'b2_upload_part', fileId, key) };
  },
  b2_finish_large_file: (ctx, p, v) => fileJson(ctx, finishLargeFile(ctx, p), v),
  b2_cancel_large_file(ctx, p) {
    const fileId = str(p, 'fileId', true);
    const version = ctx.store.get(fileId);
    if (version?.action !== 'start') throw badRequest(`No active upload for: ${fileId}`);
    ctx.store.deleteVersion(fileId);
    return { fileId, accountId: ctx.accountId, bucketId: version.bucketId, fileName: version.fileName };
  },
  b2_list_unfinished_large_files(ctx, p, v) {
    const bucketId = str(p, 'bucketId', true);
    ctx.store.bucketById(bucketId);
    const prefix = str(p, 'namePrefix') ?? '';
    const max = int(p, 'maxFileCount', 100) || 100;
    if (max < 1 || max > 100) throw new B2ApiError(400, 'out_of_range', `maxFileCount out of range: ${max}`);
    const all = ctx.store.unfinished(bucketId).filter((f) => f.fileName.startsWith(prefix));
    const startFileId = str(p, 'startFileId');
    let from = startFileId ? all.findIndex((f) => f.fileId === startFileId) : 0;
    if (from < 0) from = 0;
    const page = all.slice(from, from + max);
    return { files: page.map((f) => fileJson(ctx, f, v)), nextFileId: all[from + max]?.fileId ?? null };
  },
  b2_list_parts(ctx, p) {
    const fileId = str(p, 'fileId', true);
    const version = ctx.store.get(fileId);
    if (version?.action !== 'start') throw badRequest(`No active upload for: ${fileId}`);
    const start = int(p, 'startPartNumber', 1);
    const max = int(p, 'maxPartCount', 100) || 100;
    if (max < 1 || max > 1000) throw new B2ApiError(400, 'out_of_range', `maxPartCount out of range: ${max}`);
    const parts = ctx.store.partsOf(fileId).filter((x) => x.partNumber >= start);
    return {
      parts: parts.slice(0, max).map((x) => ({ fileId, ...x, contentMd5: null })),
      nextPartNumber: parts[max]?.partNumber ?? null,
    };
  },
  b2_copy_file: (ctx, p, v) => fileJson(ctx, copyFile(ctx, p), v),
  b2_copy_part: (ctx, p) => copyPart(ctx, p),
  b2_get_download_authorization(ctx, p) {
    const bucketId = str(p, 'bucketId', true);
    ctx.store.bucketById(bucketId);
    const fileNamePrefix = str(p, 'fileNamePrefix') ?? '';
    const seconds = int(p, 'validDurationInSeconds', 0);
    if (seconds < 1 || seconds > 604800) throw badRequest('validDurationInSeconds must be 1..604800');
    const authorizationToken = `3_download_${ctx.nextId()}`;
    ctx.downloadTokens.set(authorizationToken, { bucketId, prefix: fileNamePrefix, expires: ctx.clock.now() + seconds * 1000 });
    return { bucketId, fileNamePrefix, authorizationToken };
  },
};
