import { UsageError, quoteForMessage } from '@rclone-b2/core';

export interface RemoteArg {
  /** The crypt remote's name; undefined = the only crypt remote in rclone.conf. */
  remoteName?: string;
  /** Plaintext path inside it, without leading/trailing slashes ('' = everything). */
  path: string;
}

/** `REMOTE:PATH`, `REMOTE:`, `REMOTE` or nothing. */
export function parseRemoteArg(text: string | undefined): RemoteArg {
  if (text === undefined || text === '') return { path: '' };
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const path = colon < 0 ? '' : text.slice(colon + 1).replace(/^\/+|\/+$/g, '');
  if (!name) throw new UsageError(`${quoteForMessage(text)}: expected CRYPT-REMOTE or CRYPT-REMOTE:PATH`);
  return { remoteName: name, path };
}
