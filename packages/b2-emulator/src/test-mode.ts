// B2's `X-Bz-Test-Mode` request header (Backblaze integration checklist; rclone sends it with
// `--b2-test-mode`). B2 fails "some" calls at random; here the schedule is deterministic so a
// test is repeatable: every 2nd upload, every 3rd call made with an account token.
import { transactionClass } from '@rclone-b2/core';
import { B2ApiError } from './errors.js';

export const TEST_MODES = ['fail_some_uploads', 'expire_some_account_authorization_tokens', 'force_cap_exceeded'] as const;
export type TestMode = (typeof TEST_MODES)[number];

export function isTestMode(value: string): value is TestMode {
  return (TEST_MODES as readonly string[]).includes(value);
}

const CAPS = 'See the Caps & Alerts page to increase your cap.';

/** What a test mode does to one call: nothing, a B2 error, or an expired account token. */
export type TestModeEffect = { kind: 'none' } | { kind: 'error'; error: B2ApiError } | { kind: 'expire'; error: B2ApiError };

const isUpload = (call: string): boolean => call === 'b2_upload_file' || call === 'b2_upload_part';
const isDownload = (call: string): boolean => call === 'b2_download_file_by_id' || call === 'b2_download_file_by_name';

export class TestModeSwitch {
  private readonly counts = new Map<TestMode, number>();

  /** @param forced a mode applied to every request, as if each carried the header (`--test-mode`). */
  constructor(public forced?: TestMode) {}

  private tick(mode: TestMode): number {
    const n = (this.counts.get(mode) ?? 0) + 1;
    this.counts.set(mode, n);
    return n;
  }

  /** The mode in force for a request: its header (unknown values are ignored, as B2 does), else the forced one. */
  modeOf(header: string | string[] | undefined): TestMode | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    return value !== undefined && isTestMode(value) ? value : this.forced;
  }

  effect(mode: TestMode | undefined, call: string): TestModeEffect {
    if (mode === undefined || call === 'b2_authorize_account') return { kind: 'none' };
    switch (mode) {
      case 'fail_some_uploads':
        // the checklist's retry rule: a 5xx on upload means "get a new upload URL and retry"
        if (isUpload(call) && this.tick(mode) % 2 === 0) {
          return { kind: 'error', error: new B2ApiError(503, 'service_unavailable', 'c001_v0001000_t0000 is too busy (X-Bz-Test-Mode: fail_some_uploads)') };
        }
        return { kind: 'none' };
      case 'expire_some_account_authorization_tokens':
        // uploads carry upload tokens, not the account token
        if (!isUpload(call) && this.tick(mode) % 3 === 0) {
          return { kind: 'expire', error: new B2ApiError(401, 'expired_auth_token', 'Authorization token has expired (X-Bz-Test-Mode)') };
        }
        return { kind: 'none' };
      case 'force_cap_exceeded':
        return capExceeded(call);
    }
  }
}

/** Which cap a call runs into: storage for uploads, download for downloads, transactions for class B/C calls; class A calls are free and never capped. */
function capExceeded(call: string): TestModeEffect {
  if (isUpload(call)) return { kind: 'error', error: new B2ApiError(403, 'storage_cap_exceeded', `Cannot upload files, storage cap exceeded. ${CAPS}`) };
  if (isDownload(call)) {
    return { kind: 'error', error: new B2ApiError(403, 'download_cap_exceeded', `Cannot download file, download bandwidth or transaction (Class B) cap exceeded. ${CAPS}`) };
  }
  if (transactionClass(call) === 'A') return { kind: 'none' };
  return { kind: 'error', error: new B2ApiError(403, 'transaction_cap_exceeded', `Transaction cap exceeded. ${CAPS}`) };
}
