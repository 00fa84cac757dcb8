import { ConfigError, type B2FileVersion } from '@rclone-b2/core';

/**
 * How many files are judged before anything is deleted: if most of their names do not
 * decrypt, the password is wrong (or the remote points at someone else's data) and the
 * run stops without deleting anything — a garbage-decrypted name would otherwise get
 * the default policy applied to it.
 */
export const DECRYPTION_PROBE = 20;

/**
 * Holds back the deletions of the first DECRYPTION_PROBE files until enough names were
 * seen to tell a right password from a wrong one, then lets everything through.
 */
export class DecryptionGate {
  private decrypted = 0;
  private failed = 0;
  private firstFailure = '';
  private held: B2FileVersion[][] | undefined = [];

  constructor(private readonly submit: (versions: B2FileVersion[]) => Promise<void>) {}

  /** A name did not decrypt; throws once the probe shows most names fail. */
  failure(error: Error): void {
    this.failed += 1;
    this.firstFailure ||= error.message;
    if (this.held !== undefined && this.seen() >= DECRYPTION_PROBE) this.verdict();
  }

  /** A decrypted file's deletions: held while probing, passed on after. */
  async file(doomed: B2FileVersion[]): Promise<void> {
    this.decrypted += 1;
    if (this.held === undefined) {
      if (doomed.length > 0) await this.submit(doomed);
      return;
    }
    if (doomed.length > 0) this.held.push(doomed);
    if (this.seen() >= DECRYPTION_PROBE) await this.open();
  }

  /** The listing ended: judge on what was seen, then release what was held. */
  async end(): Promise<void> {
    if (this.held !== undefined) await this.open();
  }

  get undecryptable(): number {
    return this.failed;
  }

  private seen(): number {
    return this.decrypted + this.failed;
  }

  private verdict(): void {
    if (this.failed <= this.decrypted) return;
    throw new ConfigError(
      `${this.failed} of the first ${this.seen()} names under the crypt remote do not decrypt (${this.firstFailure}); ` +
        'wrong password or password2, or the remote points at other data? Nothing was deleted.',
    );
  }

  private async open(): Promise<void> {
    this.verdict();
    const batch = this.held ?? [];
    this.held = undefined;
    for (const versions of batch) await this.submit(versions);
  }
}
