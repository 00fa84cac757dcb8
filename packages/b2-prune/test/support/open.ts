// Ways tests open the bucket: core's real path with a short retry back-off (so fault tests
// stay fast), or an in-memory FakeB2 standing in for the bucket.
import { openEncryptedBucket, type B2Api, type B2ClientOptions, type EncryptedBucketOpener, type NameCipher } from '@rclone-b2/core';

export const openWithRetry =
  (retry: NonNullable<B2ClientOptions['retry']>): EncryptedBucketOpener =>
  (input, io) =>
    openEncryptedBucket({ ...input, client: { ...input.client, retry } }, io);

export const openFake =
  (client: B2Api, prefix: string, names: NameCipher): EncryptedBucketOpener =>
  async () => ({ remote: { secrets: [] }, bucket: { client, bucketId: 'b1', prefix, names } });
