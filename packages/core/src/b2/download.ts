import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { B2Error } from './errors.js';

/**
 * Passes bytes through and, at the end, checks their count and (when `sha1` is given)
 * their SHA-1; a mismatch makes the stream error with a B2Error (code `sha1_mismatch`
 * or `length_mismatch`).
 */
export function verifyingStream(label: string, expectedLength: number | undefined, sha1: string | undefined): Transform {
  const hash = sha1 ? createHash('sha1') : undefined;
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback: TransformCallback) {
      seen += chunk.length;
      hash?.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (expectedLength !== undefined && seen !== expectedLength) {
        callback(new B2Error('b2_download_file_by_id', 0, 'length_mismatch', `${label}: received ${seen} bytes, expected ${expectedLength}`));
        return;
      }
      if (hash && sha1) {
        const got = hash.digest('hex');
        if (got !== sha1) {
          callback(new B2Error('b2_download_file_by_id', 0, 'sha1_mismatch', `${label}: SHA-1 of the received bytes is ${got}, B2 says ${sha1}`));
          return;
        }
      }
      callback();
    },
  });
}
