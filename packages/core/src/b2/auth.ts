// b2_authorize_account: request and the v1/v2/v3(/v4) response shapes.

export interface B2Authorization {
  accountId: string;
  authorizationToken: string;
  apiUrl: string;
  downloadUrl: string;
  recommendedPartSize: number;
  absoluteMinimumPartSize: number;
  allowed: {
    bucketId: string | null;
    bucketName: string | null;
    namePrefix: string | null;
    capabilities: string[];
  };
}

type Json = Record<string, unknown>;

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const n = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

/** Reads any version's authorize response: flat (v1/v2) or `apiInfo.storageApi` (v3/v4). */
export function parseAuthorization(body: Json): B2Authorization {
  const apiInfo = body.apiInfo as Json | undefined;
  const storage = (apiInfo?.storageApi as Json | undefined) ?? body;
  const allowedRaw = ((apiInfo ? storage : body.allowed) as Json | undefined) ?? {};
  const buckets = Array.isArray(allowedRaw.buckets) ? (allowedRaw.buckets as Json[]) : undefined;
  const firstBucket = buckets?.length === 1 ? buckets[0] : undefined;
  const apiUrl = s(storage.apiUrl);
  const token = s(body.authorizationToken);
  const accountId = s(body.accountId);
  if (!apiUrl || !token || !accountId) throw new Error('authorize response lacks accountId, authorizationToken or apiUrl');
  return {
    accountId,
    authorizationToken: token,
    apiUrl: apiUrl.replace(/\/+$/, ''),
    downloadUrl: (s(storage.downloadUrl) ?? apiUrl).replace(/\/+$/, ''),
    recommendedPartSize: n(storage.recommendedPartSize, 100_000_000),
    absoluteMinimumPartSize: n(storage.absoluteMinimumPartSize, 5_000_000),
    allowed: {
      bucketId: s(allowedRaw.bucketId) ?? s(firstBucket?.id),
      bucketName: s(allowedRaw.bucketName) ?? s(firstBucket?.name),
      namePrefix: s(allowedRaw.namePrefix),
      capabilities: Array.isArray(allowedRaw.capabilities) ? (allowedRaw.capabilities as unknown[]).filter((c): c is string => typeof c === 'string') : [],
    },
  };
}

export function basicAuth(keyId: string, key: string): string {
  return `Basic ${Buffer.from(`${keyId}:${key}`, 'utf8').toString('base64')}`;
}
