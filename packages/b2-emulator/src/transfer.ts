import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { B2ApiError, badRequest, notFound } from './errors.js';
import { fileJson, type EmulatorContext } from './context.js';
import { endBody, parseRange, sendJson } from './http-util.js';
import { checkFileName, decodeName, encodeName } from './names.js';
import type { StoredBucket, StoredVersion } from './model.js';
import { defaultRetentionAt, parseRetention } from './object-lock.js';

const MAX_UPLOAD = 5_000_000_000;

const MIME: Record<string, string> = {
  txt: 'text/plain', html: 'text/html', json: 'application/json', jpg: 'image/jpeg', jpeg: 'image/jpeg',
  png: 'image/png', gif: 'image/gif', pdf: 'application/pdf', gz: 'application/gzip', tar: 'application/x-tar',
  zip: 'application/zip', csv: 'text/csv', xml: 'application/xml', js: 'application/javascript', sql: 'application/sql',
};

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Verifies the body against X-Bz-Content-Sha1 (40 hex, `hex_digits_at_end`, `do_not_verify`). */
function checkedBody(headers: IncomingHttpHeaders, body: Buffer): { data: Buffer; sha1: string; stored: string } {
  if (header(headers, 'content-length') === undefined) throw badRequest('Missing header: Content-Length');
  const given = header(headers, 'x-bz-content-sha1');
  if (!given) throw badRequest('Missing header: X-Bz-Content-Sha1');
  let data = body;
  let expected = given.toLowerCase();
  if (expected === 'hex_digits_at_end') {
    if (body.length < 40) throw badRequest('Body too short for hex_digits_at_end');
    data = body.subarray(0, body.length - 40);
    expected = body.subarray(body.length - 40).toString('latin1').toLowerCase();
  }
  const sha1 = createHash('sha1').update(data).digest('hex');
  if (expected === 'do_not_verify') return { data, sha1, stored: `unverified:${sha1}` };
  if (!/^[0-9a-f]{40}$/.test(expected)) throw badRequest(`Invalid X-Bz-Content-Sha1: ${given}`);
  if (expected !== sha1) throw badRequest(`Sha1 did not match data received`);
  return { data, sha1, stored: sha1 };
}

function infoHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-bz-info-') || value === undefined) continue;
    const key = name.slice('x-bz-info-'.length);
    if (Buffer.byteLength(key) > 50) throw badRequest(`File info name too long: ${key}`);
    out[key] = decodeName(Array.isArray(value) ? (value[0] ?? '') : value);
  }
  return out;
}

/** Object Lock headers of an upload (X-Bz-File-Retention-Mode/-Retain-Until-Timestamp, X-Bz-File-Legal-Hold), else the bucket's default. */
function uploadLocks(bucket: StoredBucket, headers: IncomingHttpHeaders, now: number): Pick<StoredVersion, 'retention' | 'legalHold'> {
  const mode = header(headers, 'x-bz-file-retention-mode');
  const until = header(headers, 'x-bz-file-retention-retain-until-timestamp');
  const hold = header(headers, 'x-bz-file-legal-hold');
  if ((mode || hold) && !bucket.fileLockEnabled) throw badRequest('Object Lock is not enabled on this bucket');
  const out: Pick<StoredVersion, 'retention' | 'legalHold'> = {};
  const retention = mode ? parseRetention({ mode, retainUntilTimestamp: Number(until) }) : defaultRetentionAt(bucket, now);
  if (retention) out.retention = retention;
  if (hold === 'on' || hold === 'off') out.legalHold = hold;
  return out;
}

export function uploadFile(ctx: EmulatorContext, bucketId: string, headers: IncomingHttpHeaders, body: Buffer, v: number): Record<string, unknown> {
  ctx.store.bucketById(bucketId);
  const rawName = header(headers, 'x-bz-file-name');
  if (!rawName) throw badRequest('Missing header: X-Bz-File-Name');
  const fileName = decodeName(rawName);
  const problem = checkFileName(fileName);
  if (problem) throw badRequest(problem);
  const { data, stored } = checkedBody(headers, body);
  if (data.length > MAX_UPLOAD) throw badRequest('File too large for b2_upload_file; use the large-file API');
  let contentType = header(headers, 'content-type') ?? 'application/octet-stream';
  if (contentType === 'b2/x-auto') contentType = MIME[fileName.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
  const now = ctx.clock.now();
  const version = ctx.store.addVersion(
    {
      bucketId,
      fileName,
      action: 'upload',
      contentLength: data.length,
      contentSha1: stored,
      contentType,
      fileInfo: infoHeaders(headers),
      uploadTimestamp: now,
      ...uploadLocks(ctx.store.bucketById(bucketId), headers, now),
    },
    data,
  );
  return fileJson(ctx, version, v);
}

export function uploadPart(ctx: EmulatorContext, fileId: string, headers: IncomingHttpHeaders, body: Buffer): Record<string, unknown> {
  if (ctx.store.get(fileId)?.action !== 'start') throw badRequest(`No active upload for: ${fileId}`);
  const partNumber = Number(header(headers, 'x-bz-part-number'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) throw badRequest('X-Bz-Part-Number must be 1..10000');
  const { data, sha1 } = checkedBody(headers, body);
  if (data.length > MAX_UPLOAD) throw badRequest('Part too large');
  const part = { partNumber, contentLength: data.length, contentSha1: sha1, uploadTimestamp: ctx.clock.now() };
  ctx.store.putPart(fileId, part, data);
  return { fileId, ...part, contentMd5: null };
}

const B2_HEADERS: Record<string, string> = {
  'b2-content-disposition': 'Content-Disposition',
  'b2-content-language': 'Content-Language',
  'b2-expires': 'Expires',
  'b2-cache-control': 'Cache-Control',
  'b2-content-encoding': 'Content-Encoding',
};

/** Answers a download (GET or HEAD) of one stored version, honouring Range. */
export function sendDownload(ctx: EmulatorContext, res: ServerResponse, version: StoredVersion | undefined, rangeHeader: string | undefined, head: boolean): void {
  if (version?.action !== 'upload') throw notFound(`File not present`);
  const data = ctx.store.blobs.get(version.fileId);
  if (!data) throw new B2ApiError(500, 'internal_error', 'File contents are missing');
  const size = data.length;
  const range = size === 0 ? undefined : parseRange(rangeHeader, size);
  const headers: Record<string, string | number> = {
    'Content-Type': version.contentType ?? 'application/octet-stream',
    'Content-Length': range ? range.end - range.start + 1 : size,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=0, no-cache, no-store',
    'x-bz-file-id': version.fileId,
    'x-bz-file-name': encodeName(version.fileName),
    'x-bz-content-sha1': version.contentSha1 ?? 'none',
    'x-bz-upload-timestamp': String(version.uploadTimestamp),
  };
  for (const [key, value] of Object.entries(version.fileInfo)) {
    const mapped = B2_HEADERS[key];
    if (mapped) headers[mapped] = value;
    else headers[`x-bz-info-${key}`] = encodeName(value);
  }
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (head) res.end();
  else endBody(res, [range ? data.subarray(range.start, range.end + 1) : data]);
}

export { sendJson };
