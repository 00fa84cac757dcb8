import { createCipheriv, randomBytes } from 'node:crypto';

// rclone's fixed obscure key (fs/config/obscure/obscure.go; reference sheet A9).
const KEY = Buffer.from('9c935b48730a554d6bfd7c63c886a92bd390198eb8128afbf4de162b8b95f638', 'hex');

/** rclone's `obscure`: AES-256-CTR with a fixed key, random IV, base64url without padding. */
export function obscure(plain: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-ctr', KEY, iv);
  const body = Buffer.concat([cipher.update(Buffer.from(plain, 'utf8')), cipher.final()]);
  return Buffer.concat([iv, body]).toString('base64url');
}
