import { openCryptBucket, openCryptRemote, plainSize, type ToolIO } from '@rclone-b2/core';
import type { CryptBucket } from './crypt-files.js';

export interface OpenInput {
  configPath?: string | undefined;
  remoteName?: string | undefined;
  /** Worker threads for decrypting contents (0 = this thread). */
  contentWorkers?: number;
}

export type OpenedRemote = Awaited<ReturnType<typeof openCryptRemote>>;

/** Reads rclone.conf, resolves the crypt remote down to its B2 bucket, authorizes. */
export async function openRemote(
  input: OpenInput,
  io: Pick<ToolIO, 'env'>,
): Promise<{ remote: OpenedRemote; bucket: CryptBucket; plainSize: (stored: number) => number }> {
  const remote = await openCryptRemote({
    ...(input.configPath ? { configPath: input.configPath } : {}),
    ...(input.remoteName ? { remoteName: input.remoteName } : {}),
    env: io.env,
    ...(input.contentWorkers ? { contentWorkers: input.contentWorkers } : {}),
  });
  const opened = await openCryptBucket({ remote });
  const noData = remote.settings.noDataEncryption;
  return {
    remote,
    bucket: { client: opened.client, bucketId: opened.bucket.bucketId, prefix: opened.prefix, names: remote.names },
    plainSize: noData ? (n) => n : (n) => plainSize(n),
  };
}
