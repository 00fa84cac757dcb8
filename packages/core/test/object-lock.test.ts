import { describe, expect, it } from 'vitest';
import { lockReason, spareLocked } from '../src/b2/object-lock.js';
import { toFileVersion } from '../src/b2/files.js';
import type { B2FileVersion } from '../src/b2/types.js';

const NOW = Date.UTC(2026, 0, 10);
const v = (fileId: string, action: 'upload' | 'hide', at: number, lock: Partial<Pick<B2FileVersion, 'fileRetention' | 'legalHold'>> = {}): B2FileVersion => ({
  fileId, fileName: 'f', action, contentLength: 1, contentSha1: null, contentType: null, uploadTimestamp: at, fileInfo: {}, ...lock,
});

describe('Object Lock in the pruning tools', () => {
  it.each([
    [{}, undefined],
    [{ legalHold: 'on' as const }, 'legal hold'],
    [{ legalHold: 'off' as const }, undefined],
    [{ fileRetention: { mode: 'governance' as const, retainUntilTimestamp: NOW + 1 } }, 'governance retention until 2026-01-10T00:00:00.001Z'],
    [{ fileRetention: { mode: 'compliance' as const, retainUntilTimestamp: NOW } }, undefined],
  ])('lockReason(%j)', (lock, reason) => expect(lockReason(lock, NOW)).toBe(reason));

  it('spareLocked keeps a locked upload and every hide marker above it', () => {
    const doomed = [v('u1', 'upload', 1), v('u2', 'upload', 2, { legalHold: 'on' }), v('u3', 'upload', 3), v('h4', 'hide', 4)];
    const { deletable, locked } = spareLocked(doomed, NOW);
    expect(deletable.map((x) => x.fileId)).toEqual(['u1', 'u3']);
    expect(locked.map((x) => [x.version.fileId, x.reason])).toEqual([['u2', 'legal hold']]);
  });

  it('toFileVersion reads B2\'s fileRetention and legalHold ({isClientAuthorizedToRead, value})', () => {
    const f = toFileVersion({ fileId: 'x', fileName: 'n', action: 'upload', fileRetention: { isClientAuthorizedToRead: true, value: { mode: 'compliance', retainUntilTimestamp: 5 } }, legalHold: { isClientAuthorizedToRead: true, value: 'on' } });
    expect(f).toMatchObject({ fileRetention: { mode: 'compliance', retainUntilTimestamp: 5 }, legalHold: 'on' });
    const none = toFileVersion({ fileId: 'x', fileName: 'n', fileRetention: { isClientAuthorizedToRead: true, value: { mode: null, retainUntilTimestamp: null } }, legalHold: { isClientAuthorizedToRead: false, value: null } });
    expect(none.fileRetention).toBeUndefined();
    expect(none.legalHold).toBeUndefined();
  });
});
