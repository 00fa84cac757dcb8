import { describe, expect, it } from 'vitest';
import { ConfigError, parseRemoteArg, UsageError } from '../src/index.js';

describe('parseRemoteArg (REMOTE:PATH as rclone reads it)', () => {
  it.each([
    [undefined, { path: '' }],
    ['', { path: '' }],
    ['secret', { remoteName: 'secret', path: '' }],
    ['secret:', { remoteName: 'secret', path: '' }],
    ['secret:src', { remoteName: 'secret', path: 'src' }],
    ['secret:/photos/2023/', { remoteName: 'secret', path: 'photos/2023' }],
    ['my remote.1:a:b', { remoteName: 'my remote.1', path: 'a:b' }],
  ])('%j → %j', (text, expected) => expect(parseRemoteArg(text)).toEqual(expected));

  it.each([['/srv/photos'], ['./secret:x'], ['dir/secret:x']])('%j is a local path, not a remote: usage error', (text) => {
    expect(() => parseRemoteArg(text, 'CRYPT-REMOTE:PATH')).toThrow(UsageError);
    expect(() => parseRemoteArg(text, 'CRYPT-REMOTE:PATH')).toThrow(`"${text}" is not a remote: expected CRYPT-REMOTE:PATH`);
  });

  it('refuses a bare word where the tool asks for REMOTE:PATH explicitly', () => {
    expect(() => parseRemoteArg('secret', 'CRYPT-REMOTE:PATH', false)).toThrow('"secret" is not a remote: expected CRYPT-REMOTE:PATH');
  });

  it.each([[':b2:bucket'], ['secret,password=x:']])('%j (on-the-fly or connection string) is refused as rclone.conf-only', (text) => {
    expect(() => parseRemoteArg(text)).toThrow(ConfigError);
  });
});
