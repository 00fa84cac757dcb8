import { PassThrough } from 'node:stream';
import { createLogger } from '@rclone-b2/core';
import type { FakeB2 } from 'b2-emulator/test-helpers';
import { identityContent } from 'b2-emulator/test-helpers';
import { textReport } from '../../src/report.js';
import type { RestoreOptions } from '../../src/restore.js';

/** Restore options over a FakeB2 with plain contents, as of `at`, into `target`; `errors()` is what was logged. */
export function restoreOptions(b2: FakeB2, target: string, at: number, extra: Partial<RestoreOptions> = {}): RestoreOptions & { errors: () => string } {
  const stderr = new PassThrough();
  let errors = '';
  stderr.on('data', (c: Buffer) => (errors += c.toString()));
  return {
    client: b2,
    content: identityContent,
    plainSize: (n) => n,
    mode: { kind: 'as-of', at },
    target,
    transfers: 3,
    dryRun: false,
    report: textReport(new PassThrough()),
    logger: createLogger({ tool: 'encrypted-restore', stream: stderr, verbosity: 0 }),
    errors: () => errors,
    ...extra,
  };
}
