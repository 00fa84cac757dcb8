import type { B2Action, B2FileVersion } from './types.js';

type Json = Record<string, unknown>;

/** A B2 file object (any API version) as B2FileVersion; `size` (v1) stands in for contentLength. */
export function toFileVersion(f: Json): B2FileVersion {
  const info = f.fileInfo && typeof f.fileInfo === 'object' ? (f.fileInfo as Record<string, string>) : {};
  return {
    fileId: typeof f.fileId === 'string' ? f.fileId : '',
    fileName: String(f.fileName ?? ''),
    action: (f.action as B2Action | undefined) ?? 'upload',
    contentLength: typeof f.contentLength === 'number' ? f.contentLength : typeof f.size === 'number' ? f.size : 0,
    contentSha1: typeof f.contentSha1 === 'string' ? f.contentSha1 : null,
    contentType: typeof f.contentType === 'string' ? f.contentType : null,
    uploadTimestamp: typeof f.uploadTimestamp === 'number' ? f.uploadTimestamp : 0,
    fileInfo: info,
    ...locksOf(f),
  };
}

/** fileRetention / legalHold of a B2 file object (`{isClientAuthorizedToRead, value}`), when set. */
function locksOf(f: Json): Pick<B2FileVersion, 'fileRetention' | 'legalHold'> {
  const out: Pick<B2FileVersion, 'fileRetention' | 'legalHold'> = {};
  const retention = (f.fileRetention as Json | undefined)?.value as Json | null | undefined;
  const mode = retention?.mode;
  if ((mode === 'governance' || mode === 'compliance') && typeof retention?.retainUntilTimestamp === 'number') {
    out.fileRetention = { mode, retainUntilTimestamp: retention.retainUntilTimestamp };
  }
  const hold = (f.legalHold as Json | undefined)?.value;
  if (hold === 'on' || hold === 'off') out.legalHold = hold;
  return out;
}

/** The SHA-1 a download should have: hex, or undefined when it cannot be checked. */
export function expectedSha1(contentSha1: string | null, fileInfo: Record<string, string>): string | undefined {
  let sha = contentSha1 ?? undefined;
  if (sha?.startsWith('unverified:')) sha = sha.slice('unverified:'.length);
  if (!sha || sha === 'none') sha = fileInfo.large_file_sha1;
  return sha && /^[0-9a-fA-F]{40}$/.test(sha) ? sha.toLowerCase() : undefined;
}

const decode = (v: string): string => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

/** fileInfo from `X-Bz-Info-*` response headers (values percent-decoded). */
export function infoFromHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.toLowerCase().startsWith('x-bz-info-')) out[name.slice('x-bz-info-'.length).toLowerCase()] = decode(value);
  });
  return out;
}

export const decodeHeaderName = decode;

/** Percent-encodes a file name for `X-Bz-File-Name` / URLs, keeping `/` and B2's safe set. */
export function encodeFileName(name: string): string {
  return encodeURIComponent(name).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
