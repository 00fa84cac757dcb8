// The one rule that tells a wrong crypt password from a bucket with some foreign names.
// A name "decrypts" when its padding is valid (crypt/names.ts decides by padding only). A
// wrong key also gives valid padding for ~1 name in 256, then almost always bytes that are
// not UTF-8: such a name is yielded (rclone stores non-UTF-8 names too) but is no evidence.
import { ConfigError } from '../cli/errors.js';
import { hasNameEscapes } from '../names/name-bytes.js';

/** Undecryptable names, with no evidence of the right password yet, that mean a wrong one. */
export const WRONG_PASSWORD_AFTER = 10;

/** The crypt password (or password2) does not fit the names in the bucket. */
export class WrongPasswordError extends ConfigError {
  constructor(count: number, first: boolean) {
    super(`none of the ${first ? 'first ' : ''}${count} names in the bucket decrypt: wrong crypt password/password2, or not this crypt remote's bucket path`);
  }
}

/** Counts names as they are decrypted and says when they prove a wrong password. */
export class PasswordCheck {
  private evidence = 0;
  private decrypted = 0;
  private failed = 0;

  /** A name decrypted (valid padding) to `path`. */
  decryptedAs(path: string): void {
    this.decrypted += 1;
    if (!hasNameEscapes(path)) this.evidence += 1;
  }

  undecryptable(): void {
    this.failed += 1;
  }

  /** A name decrypted to text: the password is right. */
  get proven(): boolean {
    return this.evidence > 0;
  }

  /** Mid-listing: enough names failed with no evidence. Nothing more needs reading. */
  wrongSoFar(): WrongPasswordError | undefined {
    return this.evidence === 0 && this.failed >= WRONG_PASSWORD_AFTER ? new WrongPasswordError(this.failed, true) : undefined;
  }

  /** The listing ended (or `first` names were sampled): names failed and none decrypted at all. */
  wrongAtEnd(first = false): WrongPasswordError | undefined {
    return this.wrongSoFar() ?? (this.decrypted === 0 && this.failed > 0 ? new WrongPasswordError(this.failed, first) : undefined);
  }
}
