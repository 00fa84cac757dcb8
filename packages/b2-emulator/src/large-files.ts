import { createHash } from 'node:crypto';
import { B2ApiError, badRequest, notFound } from './errors.js';
import type { EmulatorContext } from './context.js';
import { info, str } from './http-util.js';
import { checkFileName } from './names.js';
import type { StoredVersion } from './model.js';

type Params = Record<string, unknown>;

/** b2_finish_large_file: checks parts 1..N against partSha1Array and joins them. */
export function finishLargeFile(ctx: EmulatorContext, p: Params): StoredVersion {
  const fileId = str(p, 'fileId', true);
  const version = ctx.store.get(fileId);
  if (version?.action !== 'start') throw badRequest(`No active upload for: ${fileId}`);
  const shas = p.partSha1Array;
  if (!Array.isArray(shas) || shas.length === 0) throw badRequest('partSha1Array must be a non-empty array');
  const parts = ctx.store.partsOf(fileId);
  const chunks: Buffer[] = [];
  shas.forEach((_sha, i) => {
    if (!parts.some((x) => x.partNumber === i + 1)) throw new B2ApiError(400, 'missing_part', `Part number ${i + 1} has not been uploaded`);
  });
  shas.forEach((sha, i) => {
    const part = parts.find((x) => x.partNumber === i + 1);
    if (!part) throw new B2ApiError(400, 'missing_part', `Part number ${i + 1} has not been uploaded`);
    if (part.contentSha1 !== sha) throw new B2ApiError(400, 'part_sha1_mismatch', `Part number ${i + 1} has wrong SHA1 ${String(sha)}`);
    if (i < shas.length - 1 && part.contentLength < ctx.minimumPartSize) {
      throw badRequest(`Part number ${i + 1} is smaller than the minimum part size (${ctx.minimumPartSize})`);
    }
    const data = ctx.store.blobs.get(`${fileId}.part${i + 1}`);
    if (!data) throw new B2ApiError(500, 'internal_error', `Part number ${i + 1} data is missing`);
    chunks.push(data);
  });
  if (parts.length > shas.length) throw badRequest(`More parts uploaded (${parts.length}) than listed in partSha1Array`);
  const data = Buffer.concat(chunks);
  ctx.store.blobs.put(fileId, data);
  const finished: StoredVersion = { ...version, action: 'upload', contentLength: data.length, contentSha1: 'none' };
  ctx.store.replaceVersion(finished);
  ctx.store.dropParts(fileId);
  return finished;
}

function sourceBytes(ctx: EmulatorContext, p: Params): { source: StoredVersion; data: Buffer } {
  const sourceFileId = str(p, 'sourceFileId', true);
  const source = ctx.store.get(sourceFileId);
  if (source?.action !== 'upload') throw notFound(`File not present: ${sourceFileId}`);
  let data = ctx.store.blobs.get(sourceFileId) ?? Buffer.alloc(0);
  const range = str(p, 'range');
  if (range) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(range);
    if (!m) throw badRequest(`Invalid range: ${range}`);
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (start > end || end >= data.length) throw new B2ApiError(416, 'range_not_satisfiable', `Range ${range} not satisfiable`);
    data = data.subarray(start, end + 1);
  }
  return { source, data };
}

/** b2_copy_file: a new version from (a range of) an existing one, metadata COPY or REPLACE. */
export function copyFile(ctx: EmulatorContext, p: Params): StoredVersion {
  const { source, data } = sourceBytes(ctx, p);
  const fileName = str(p, 'fileName', true);
  const problem = checkFileName(fileName);
  if (problem) throw badRequest(problem);
  const bucketId = str(p, 'destinationBucketId') ?? source.bucketId;
  ctx.store.bucketById(bucketId);
  const directive = str(p, 'metadataDirective') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') throw badRequest(`Invalid metadataDirective: ${directive}`);
  const replace = directive === 'REPLACE';
  if (!replace && (p.contentType !== undefined || p.fileInfo !== undefined)) {
    throw badRequest('contentType and fileInfo must not be given with metadataDirective COPY');
  }
  const whole = data.length === source.contentLength;
  const sha1 = whole && source.contentSha1 && source.contentSha1 !== 'none' ? source.contentSha1 : createHash('sha1').update(data).digest('hex');
  return ctx.store.addVersion(
    {
      bucketId,
      fileName,
      action: 'upload',
      contentLength: data.length,
      contentSha1: sha1,
      contentType: replace ? str(p, 'contentType', true) : source.contentType,
      fileInfo: replace ? info(p, 'fileInfo') : { ...source.fileInfo },
      uploadTimestamp: ctx.clock.now(),
    },
    data,
  );
}

/** b2_copy_part: a part of an unfinished large file from (a range of) an existing file. */
export function copyPart(ctx: EmulatorContext, p: Params): Record<string, unknown> {
  const { data } = sourceBytes(ctx, p);
  const fileId = str(p, 'largeFileId', true);
  if (ctx.store.get(fileId)?.action !== 'start') throw badRequest(`No active upload for: ${fileId}`);
  const partNumber = Number(p.partNumber);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) throw badRequest('partNumber must be 1..10000');
  const part = { partNumber, contentLength: data.length, contentSha1: createHash('sha1').update(data).digest('hex'), uploadTimestamp: ctx.clock.now() };
  ctx.store.putPart(fileId, part, data);
  return { fileId, ...part, contentMd5: null };
}
