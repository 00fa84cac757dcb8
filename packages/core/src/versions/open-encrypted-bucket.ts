import type { B2ClientOptions } from '../b2/client.js';
import { logRetries } from '../b2/retry-log.js';
import type { Logger } from '../cli/logger.js';
import { openCryptBucket } from '../b2/open-crypt-bucket.js';
import { ConfigError } from '../cli/errors.js';
import type { ToolIO } from '../cli/io.js';
import { openCryptRemote, plainSize, type OpenedCryptRemote } from '../crypt/index.js';
import { namesStoredOnB2 } from '../names/stored-on-b2.js';
import { DEFAULT_LIST_CONCURRENCY, type CryptBucket } from './crypt-files.js';

export interface OpenEncryptedBucketInput {
  configPath?: string | undefined;
  remoteName?: string | undefined;
  /** Parallel B2 calls wanted (the client's limit is raised to match). */
  concurrency?: number;
  /** Worker threads for decrypting contents (0 = this thread). */
  contentWorkers?: number;
  /** B2 client settings (tests shorten the retry back-off or inject a clock). */
  client?: Pick<B2ClientOptions, 'retry' | 'fetch' | 'clock' | 'signal' | 'onRetry'>;
  /** Where every B2 retry is logged (at -v) with its reason and back-off. */
  logger?: Pick<Logger, 'info'> | undefined;
}

/** rclone's environment spelling of --low-level-retries (retries per B2 call). */
function retriesFromEnv(env: Record<string, string | undefined>): { retry: { retries: number } } | Record<string, never> {
  const text = env.RCLONE_LOW_LEVEL_RETRIES;
  if (text === undefined || text === '') return {};
  const retries = Number(text);
  if (!Number.isInteger(retries) || retries < 0) throw new ConfigError(`RCLONE_LOW_LEVEL_RETRIES=${text}: expected a whole number`);
  return { retry: { retries } };
}

/** openEncryptedBucket as a tool's dependency: tests hand in a fake bucket or a faster-retrying client. */
export type EncryptedBucketOpener = (
  input: OpenEncryptedBucketInput,
  io: Pick<ToolIO, 'env' | 'signal'>,
) => Promise<{ remote: Pick<OpenedCryptRemote, 'secrets'>; bucket: CryptBucket }>;

/**
 * What every encrypted-bucket tool does first: reads rclone.conf, resolves the crypt remote
 * down to its B2 bucket (refusing non-B2 remotes), authorizes, and says how to turn stored
 * sizes into plaintext sizes.
 */
export async function openEncryptedBucket(
  input: OpenEncryptedBucketInput,
  io: Pick<ToolIO, 'env' | 'signal'>,
): Promise<{ remote: OpenedCryptRemote; bucket: CryptBucket; plainSize: (stored: number) => number }> {
  const remote = await openCryptRemote({
    ...(input.configPath ? { configPath: input.configPath } : {}),
    ...(input.remoteName ? { remoteName: input.remoteName } : {}),
    env: io.env,
    ...(input.contentWorkers ? { contentWorkers: input.contentWorkers } : {}),
  });
  if (!remote.b2) {
    throw new ConfigError(`crypt remote "${remote.name}" stores its data on "${remote.underlying}", which is not a B2 remote; this tool works on B2 buckets only`);
  }
  const onRetry = input.logger ? { onRetry: logRetries(input.logger) } : {};
  // io.signal (SIGINT/SIGTERM) aborts every B2 call: listings end, no new deletion starts.
  const signal = io.signal ? { signal: io.signal } : {};
  const opened = await openCryptBucket({ remote, concurrency: Math.max(DEFAULT_LIST_CONCURRENCY, (input.concurrency ?? 0) + 2), ...retriesFromEnv(io.env), ...onRetry, ...signal, ...input.client });
  const noData = remote.settings.noDataEncryption;
  return {
    remote,
    // Bucket names are B2-encoded crypt names (matters for filename_encryption = off/obfuscate).
    bucket: {
      client: opened.client,
      bucketId: opened.bucket.bucketId,
      prefix: opened.prefix,
      names: namesStoredOnB2(remote.names),
      ...(opened.bucket.lifecycleRules ? { lifecycleRules: opened.bucket.lifecycleRules } : {}),
    },
    plainSize: noData ? (n) => n : (n) => plainSize(n),
  };
}
