import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through while hashing them; `digest()` after the end. */
export class Sha1Tap extends Transform {
  private readonly hash = createHash('sha1');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * The SHA-1 B2 holds for a version's stored bytes: `contentSha1` without rclone's
 * `unverified:` prefix, or for large files the `large_file_sha1` file info.
 */
export function expectedSha1(contentSha1: string | null, fileInfo: Record<string, string>): string | undefined {
  const direct = contentSha1?.replace(/^unverified:/, '');
  if (direct && direct !== 'none' && /^[0-9a-f]{40}$/i.test(direct)) return direct.toLowerCase();
  const large = fileInfo.large_file_sha1;
  return large && /^[0-9a-f]{40}$/i.test(large) ? large.toLowerCase() : undefined;
}
