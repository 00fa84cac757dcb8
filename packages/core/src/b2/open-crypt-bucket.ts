import { ConfigError } from '../cli/errors.js';
import type { CryptRemote } from '../crypt/types.js';
import { B2Client, type B2ClientOptions } from './client.js';
import type { B2Bucket } from './types.js';

export type OpenCryptBucketOptions<R extends CryptRemote> = { remote: R } & Omit<B2ClientOptions, 'applicationKeyId' | 'applicationKey' | 'endpoint'>;

export interface OpenedCryptBucket<R extends CryptRemote> {
  client: B2Client;
  bucket: B2Bucket;
  /** Path inside the bucket where the crypt remote's encrypted names start ('' or `a/b`, no slashes at the ends). */
  prefix: string;
  remote: R;
}

/** Authorizes with the crypt remote's underlying b2 remote and finds its bucket. */
export async function openCryptBucket<R extends CryptRemote>(options: OpenCryptBucketOptions<R>): Promise<OpenedCryptBucket<R>> {
  const { remote, ...clientOptions } = options;
  const location = remote.b2;
  if (!location) throw new ConfigError(`crypt remote "${remote.name}" is not on a b2 remote (remote = ${remote.underlying})`);
  const client = await B2Client.authorize({
    ...clientOptions,
    applicationKeyId: location.accountId,
    applicationKey: location.applicationKey,
    ...(location.endpoint ? { endpoint: location.endpoint } : {}),
  });
  const bucket = await client.getBucket(location.bucket, { signal: clientOptions.signal });
  return { client, bucket, prefix: location.prefix.replace(/^\/+|\/+$/g, ''), remote };
}
