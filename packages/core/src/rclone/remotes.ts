// Remote paths (`name:path`, local paths) and following them through alias remotes down to
// the storage remote (b2, local, ...).
import { ConfigError, UsageError } from '../cli/errors.js';
import { quoteForMessage } from '../text/quote-for-message.js';
import type { RcloneConfig } from './config.js';

export type RemoteSpec = { kind: 'remote'; remote: string; path: string } | { kind: 'local'; path: string };

/** Parses an rclone path as rclone does: `name:path` or a local path. */
export function parseRemoteSpec(value: string): RemoteSpec {
  if (value.startsWith(':')) {
    throw new ConfigError(`on-the-fly backends like ${quoteForMessage(value)} are not supported here; define a remote in rclone.conf`);
  }
  const colon = value.indexOf(':');
  const slash = value.indexOf('/');
  if (colon > 0 && (slash === -1 || colon < slash)) {
    const name = value.slice(0, colon);
    if (name.includes(',')) {
      throw new ConfigError(`connection strings like ${quoteForMessage(value)} are not supported here; put the options in rclone.conf`);
    }
    if (/^[\p{L}\p{N}_. -]+$/u.test(name) && !name.startsWith('-')) {
      return { kind: 'remote', remote: name, path: value.slice(colon + 1) };
    }
  }
  return { kind: 'local', path: value };
}

/** A remote named on the command line: which remote, and the path inside it. */
export interface RemoteArg {
  /** undefined = the only crypt remote in rclone.conf. */
  remoteName?: string;
  /** Path inside the remote without leading/trailing slashes ('' = all of it). */
  path: string;
}

/**
 * `REMOTE:PATH`, `REMOTE:` or nothing, read by parseRemoteSpec exactly as rclone reads it.
 * A bare word (`secret`) also names a remote unless `bareName` is false: these tools only
 * ever address remotes, and scripts have always been allowed to write it so.
 */
export function parseRemoteArg(text: string | undefined, expected = 'REMOTE:PATH', bareName = true): RemoteArg {
  if (text === undefined || text === '') return { path: '' };
  const spec = parseRemoteSpec(text);
  const trim = (path: string): string => path.replace(/^\/+|\/+$/g, '');
  if (spec.kind === 'remote') return { remoteName: spec.remote, path: trim(spec.path) };
  if (bareName && !text.includes('/') && !text.includes(':') && !text.startsWith('-')) return { remoteName: text, path: '' };
  throw new UsageError(`"${text}" is not a remote: expected ${expected} (e.g. secret:photos or secret:)`);
}

export interface ResolvedStorage {
  /** Backend type of the final remote (`local` for a plain path). */
  type: string;
  /** The final remote's name (undefined for a plain local path). */
  remote: string | undefined;
  /** Path inside the final remote (for b2: `bucket/prefix`). */
  path: string;
  /** Remotes followed, outermost first. */
  chain: string[];
}

const joinPath = (a: string, b: string): string => (a === '' ? b : b === '' ? a : `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}`);

/** Follows `spec` through alias remotes to the remote that stores the bytes. */
export function resolveStorage(config: RcloneConfig, value: string, chain: string[] = []): ResolvedStorage {
  const spec = parseRemoteSpec(value);
  if (spec.kind === 'local') return { type: 'local', remote: undefined, path: spec.path, chain };
  if (chain.includes(spec.remote) || chain.length > 16) {
    throw new ConfigError(`remote "${spec.remote}" refers to itself (${[...chain, spec.remote].join(' -> ')})`);
  }
  if (!config.has(spec.remote)) {
    throw new ConfigError(`remote "${spec.remote}" (used by "${chain.at(-1) ?? value}") not found in ${config.describe()}`);
  }
  const type = config.type(spec.remote);
  if (!type) throw new ConfigError(`remote "${spec.remote}" has no type in ${config.describe()}`);
  const next = [...chain, spec.remote];
  if (type === 'alias') {
    const target = config.get(spec.remote, 'remote');
    if (!target) throw new ConfigError(`alias remote "${spec.remote}" has no "remote ="`);
    const inner = parseRemoteSpec(target);
    const joined = inner.kind === 'local' ? joinPath(inner.path, spec.path) : `${inner.remote}:${joinPath(inner.path, spec.path)}`;
    return resolveStorage(config, joined, next);
  }
  return { type, remote: spec.remote, path: spec.path, chain: next };
}
