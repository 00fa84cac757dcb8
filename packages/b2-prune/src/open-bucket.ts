import { openEncryptedBucket, type B2Api, type B2ClientOptions, type Logger, type NameCipher } from '@rclone-b2/core';

export interface OpenBucketOptions {
  /** Crypt remote name (default: the only crypt remote in the config). */
  remoteName?: string;
  /** --rclone-config FILE (default: rclone's search, RCLONE_CONFIG). */
  configPath?: string;
  env: Record<string, string | undefined>;
  /** Parallel delete calls wanted (the client's own limit is raised to match). */
  concurrency: number;
  signal?: AbortSignal;
  /** Logs each B2 retry (at -v). */
  logger?: Pick<Logger, 'info'>;
}

/** A crypt remote's bucket, ready to list and delete. */
export interface OpenedBucket {
  client: B2Api;
  bucketId: string;
  /** The crypt remote's path inside the bucket ('' for the root). */
  prefix: string;
  names: NameCipher;
  /** Passwords and keys to redact from every message. */
  secrets: readonly string[];
}

export type BucketOpener = (options: OpenBucketOptions) => Promise<OpenedBucket>;

/** Extra B2 client settings (tests shorten the retry back-off). */
export type ClientTuning = Pick<B2ClientOptions, 'retry' | 'fetch' | 'clock'>;

/** Opens the crypt remote from rclone.conf and authorizes against its B2 bucket. */
export function createBucketOpener(tuning: ClientTuning = {}): BucketOpener {
  return async (options) => {
    const { remote, bucket } = await openEncryptedBucket(
      {
        remoteName: options.remoteName,
        configPath: options.configPath,
        concurrency: options.concurrency,
        client: { ...tuning, ...(options.signal ? { signal: options.signal } : {}) },
        logger: options.logger,
      },
      { env: options.env },
    );
    return { ...bucket, secrets: remote.secrets };
  };
}

export const openBucket: BucketOpener = createBucketOpener();
