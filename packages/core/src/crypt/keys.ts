// rclone crypt key derivation: scrypt(password, salt = password2 or a built-in salt) → 80 bytes.
import { scrypt } from 'node:crypto';

/** rclone's salt when password2 is absent or empty. */
export const DEFAULT_SALT = Buffer.from('a80df43a8fbd0308a7cab83e581f86b1', 'hex');

export interface CryptKeys {
  /** 32 bytes: NaCl secretbox key for file contents. */
  readonly dataKey: Uint8Array;
  /** 32 bytes: AES-256 key for names (EME); its byte sum drives obfuscate mode. */
  readonly nameKey: Uint8Array;
  /** 16 bytes: EME tweak. */
  readonly nameTweak: Uint8Array;
}

/** Derives the keys from the revealed (plain) `password` and `password2` of a crypt remote. */
export async function deriveKeys(password: string, password2 = ''): Promise<CryptKeys> {
  let key: Buffer;
  if (password === '') {
    key = Buffer.alloc(80);
  } else {
    const salt = password2 === '' ? DEFAULT_SALT : Buffer.from(password2, 'utf8');
    key = await new Promise<Buffer>((resolve, reject) =>
      scrypt(Buffer.from(password, 'utf8'), salt, 80, { N: 16384, r: 8, p: 1 }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
  }
  return { dataKey: key.subarray(0, 32), nameKey: key.subarray(32, 64), nameTweak: key.subarray(64, 80) };
}
