// Opens a crypt remote from rclone.conf: reveals its passwords, derives the keys and resolves
// the underlying remote (B2 bucket/prefix with credentials, or a local directory).
import { ConfigError } from '../cli/errors.js';
import { loadRcloneConfig, parseRcloneBool, type RcloneConfig, type LoadConfigOptions } from '../rclone/config.js';
import { reveal } from '../rclone/obscure.js';
import { resolveStorage } from '../rclone/remotes.js';
import { createContentCipher, type ContentCipherOptions, type RcloneContentCipher } from './content.js';
import type { FilenameEncoding } from './encodings.js';
import { deriveKeys, type CryptKeys } from './keys.js';
import { createNameCipher, type FilenameEncryption, type RcloneNameCipher } from './names.js';
import type { B2Location, CryptRemote } from './types.js';

export interface OpenCryptRemoteOptions extends LoadConfigOptions {
  /** Crypt remote name (`secret` or `secret:`); default: the only crypt remote in the config. */
  remoteName?: string;
  /** An already loaded config (then configPath/env lookup is skipped). */
  config?: RcloneConfig;
  /** Random source for the encrypting stream's nonces (tests). */
  randomBytes?: ContentCipherOptions['randomBytes'];
  /** Worker threads for content encryption/decryption (default 0: in this thread). */
  contentWorkers?: number;
}

/** A crypt remote with everything the tools need. */
export interface OpenedCryptRemote extends CryptRemote {
  names: RcloneNameCipher;
  content: RcloneContentCipher;
  keys: CryptKeys;
  /** The config file it came from (undefined when defined only by environment variables). */
  configPath: string | undefined;
  /** Backend type of the storage remote after following aliases (`b2`, `local`, ...). */
  underlyingType: string;
  /** For a local storage path: the directory holding the encrypted files. */
  localPath?: string;
  settings: {
    filenameEncryption: FilenameEncryption;
    directoryNameEncryption: boolean;
    filenameEncoding: FilenameEncoding;
    noDataEncryption: boolean;
  };
}

function pickRemote(config: RcloneConfig, wanted: string | undefined): string {
  const names = config.remoteNames();
  const crypts = names.filter((n) => config.type(n) === 'crypt');
  const list = crypts.length > 0 ? `crypt remotes: ${crypts.join(', ')}` : 'it has no crypt remote';
  if (wanted !== undefined) {
    const name = wanted.endsWith(':') ? wanted.slice(0, -1) : wanted;
    if (name === '' || name.includes(':')) throw new ConfigError(`"${wanted}" is not a remote name (give it without a path)`);
    if (!config.has(name)) throw new ConfigError(`remote "${name}" not found in ${config.describe()} (${list})`);
    const type = config.type(name);
    if (type !== 'crypt') throw new ConfigError(`remote "${name}" is of type ${type ?? '(none)'}, not crypt (${list})`);
    return name;
  }
  if (crypts.length === 1) return crypts[0]!;
  if (crypts.length === 0) throw new ConfigError(`no crypt remote in ${config.describe()}`);
  throw new ConfigError(`several crypt remotes in ${config.describe()} (${crypts.join(', ')}): name the one to use`);
}

/** The b2 remote `remote` with `path` (BUCKET[/PREFIX]) as a B2Location; `via` names what pointed there, for messages. */
export function b2Location(config: RcloneConfig, remote: string, path: string, via: string): B2Location {
  const accountId = config.get(remote, 'account');
  const applicationKey = config.get(remote, 'key');
  if (!accountId) throw new ConfigError(`b2 remote "${remote}" has no "account =" (key ID)`);
  if (!applicationKey) throw new ConfigError(`b2 remote "${remote}" has no "key =" (application key)`);
  const clean = path.replace(/^\/+|\/+$/g, '');
  const slash = clean.indexOf('/');
  const bucket = slash === -1 ? clean : clean.slice(0, slash);
  if (bucket === '') throw new ConfigError(`${via} points at the root of b2 remote "${remote}"; it needs a bucket`);
  const prefix = slash === -1 ? '' : clean.slice(slash + 1).replace(/^\/+|\/+$/g, '');
  const endpoint = config.get(remote, 'endpoint');
  return { remoteName: remote, accountId, applicationKey, ...(endpoint ? { endpoint } : {}), bucket, prefix };
}

/** Opens a crypt remote from rclone.conf (path or rclone's default search) and the environment. */
export async function openCryptRemote(options: OpenCryptRemoteOptions = {}): Promise<OpenedCryptRemote> {
  const config = options.config ?? (await loadRcloneConfig(options));
  const name = pickRemote(config, options.remoteName);
  const underlying = config.get(name, 'remote');
  if (!underlying) throw new ConfigError(`crypt remote "${name}" has no "remote =" in ${config.describe()}`);
  const obscured = config.get(name, 'password');
  if (!obscured) throw new ConfigError(`crypt remote "${name}" has no password in ${config.describe()}`);
  const obscured2 = config.get(name, 'password2');
  const password = reveal(obscured, `crypt remote "${name}": password`);
  const password2 = obscured2 ? reveal(obscured2, `crypt remote "${name}": password2`) : '';

  const filenameEncryption = (config.get(name, 'filename_encryption') ?? 'standard') as FilenameEncryption;
  if (!['standard', 'obfuscate', 'off'].includes(filenameEncryption)) {
    throw new ConfigError(`crypt remote "${name}": unknown filename_encryption "${filenameEncryption}" (standard, obfuscate, off)`);
  }
  const filenameEncoding = (config.get(name, 'filename_encoding') ?? 'base32') as FilenameEncoding;
  if (!['base32', 'base64', 'base32768'].includes(filenameEncoding)) {
    throw new ConfigError(`crypt remote "${name}": unknown filename_encoding "${filenameEncoding}" (base32, base64, base32768)`);
  }
  const dirEnc = config.get(name, 'directory_name_encryption');
  const directoryNameEncryption = dirEnc === undefined ? true : parseRcloneBool(dirEnc, `crypt remote "${name}": directory_name_encryption`);
  const noData = config.get(name, 'no_data_encryption');
  const noDataEncryption = noData === undefined ? false : parseRcloneBool(noData, `crypt remote "${name}": no_data_encryption`);

  const storage = resolveStorage(config, underlying, [name]);
  if (storage.type === 'crypt') {
    throw new ConfigError(`crypt remote "${name}" wraps another crypt remote ("${storage.remote}"); not supported`);
  }
  const b2 = storage.type === 'b2' ? b2Location(config, storage.remote!, storage.path, `crypt remote "${name}"`) : undefined;

  const keys = await deriveKeys(password, password2);
  const secrets = [obscured, password, ...(obscured2 ? [obscured2, password2] : [])].filter((s) => s.length >= 4);
  if (b2) secrets.push(b2.applicationKey);
  return {
    name,
    names: createNameCipher(keys, { filenameEncryption, directoryNameEncryption, filenameEncoding }),
    content: createContentCipher(keys.dataKey, {
      noDataEncryption,
      workers: options.contentWorkers ?? 0,
      ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
    }),
    ...(b2 ? { b2 } : {}),
    underlying,
    secrets,
    keys,
    configPath: config.location.path,
    underlyingType: storage.type,
    ...(storage.type === 'local' ? { localPath: storage.path } : {}),
    settings: { filenameEncryption, directoryNameEncryption, filenameEncoding, noDataEncryption },
  };
}
