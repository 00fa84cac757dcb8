// B2 has its own rclone encoding (`--b2-encoding`: Slash,BackSlash,Del,Ctl,InvalidUtf8,Dot):
// what crypt hands the b2 backend — an encrypted name, or with `filename_encryption = off`,
// `obfuscate` or `directory_name_encryption = false` a name that is partly plain text — is
// stored as B2.Encode(Standard.Decode(name)). A plain `a\b` is `a＼b` in the bucket, invalid
// UTF-8 bytes are `‛FE`. Base32/base64 names hold none of these characters and pass through.
import type { NameCipher } from '../crypt/types.js';
import { B2_ENCODING, fromStandardPath, toStandardPath } from './rclone-encoding.js';

/** Characters a B2-encoded name may carry that decoding could change. */
const ENCODED = /[\u201b\u2400-\u241f\u2421\uff0e\uff0f\uff3c]/;

/** The crypt name (rclone's standard form) a B2 file name stands for. */
export function fromB2Name(fileName: string): string {
  return ENCODED.test(fileName) ? toStandardPath(B2_ENCODING, fileName) : fileName;
}

/** The B2 file name rclone's b2 backend stores a crypt name under. */
export function toB2Name(name: string): string {
  return fromStandardPath(B2_ENCODING, name);
}

/** `names` for paths as they are stored in a B2 bucket (B2's encoding undone and applied). */
export function namesStoredOnB2(names: NameCipher): NameCipher {
  const batch = names.tryDecryptPaths?.bind(names);
  return {
    encryptPath: (plainPath) => toB2Name(names.encryptPath(plainPath)),
    encryptDirPath: (plainPath) => toB2Name(names.encryptDirPath(plainPath)),
    decryptPath: (encryptedPath) => names.decryptPath(fromB2Name(encryptedPath)),
    ...(batch ? { tryDecryptPaths: (encryptedPaths: readonly string[]) => batch(encryptedPaths.map(fromB2Name)) } : {}),
  };
}
