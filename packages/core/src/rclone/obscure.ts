// rclone's obscured passwords (fs/config/obscure): AES-256-CTR with a fixed key, random IV
// prepended, base64 URL alphabet without padding. Obscuring is not encryption.
import { createCipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../cli/errors.js';

const OBSCURE_KEY = Buffer.from('9c935b48730a554d6bfd7c63c886a92bd390198eb8128afbf4de162b8b95f638', 'hex');

function ctr(iv: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv('aes-256-ctr', OBSCURE_KEY, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Obscures a password as `rclone obscure` does; `iv` (16 bytes) is random unless given. */
export function obscure(plain: string, iv: Uint8Array = randomBytes(16)): string {
  if (iv.length !== 16) throw new RangeError('obscure IV must be 16 bytes');
  return Buffer.concat([iv, ctr(iv, Buffer.from(plain, 'utf8'))]).toString('base64url');
}

/** Reveals an obscured password as `rclone reveal` does; ConfigError when it is not obscured. */
export function reveal(obscured: string, what = 'password'): string {
  if (!/^[A-Za-z0-9_-]*$/.test(obscured) || obscured.length % 4 === 1) {
    throw new ConfigError(`${what}: not an obscured value (base64 decode failed) - is it obscured? Use "rclone obscure"`);
  }
  const raw = Buffer.from(obscured, 'base64url');
  if (raw.length < 16) {
    throw new ConfigError(`${what}: input too short when revealing password - is it obscured? Use "rclone obscure"`);
  }
  const plain = ctr(raw.subarray(0, 16), raw.subarray(16));
  return plain.toString('utf8');
}
