// Finding, reading and querying rclone.conf the way rclone 1.60.1 does, including
// RCLONE_CONFIG_<REMOTE>_<KEY> / RCLONE_<BACKEND>_<KEY> overrides and encrypted configs.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { ConfigError } from '../cli/errors.js';
import { decryptConfigText, detectConfigEncryption } from './config-crypt.js';
import { interruptSignal } from '../cli/interrupt.js';
import { quoteForMessage } from '../text/quote-for-message.js';
import { parseRcloneIni, type IniSections } from './ini.js';

export type RcloneEnv = Readonly<Record<string, string | undefined>>;

export interface ConfigLocationOptions {
  /** An explicit path (a tool's `--rclone-config`); wins over everything. */
  configPath?: string;
  /** Environment (RCLONE_CONFIG, XDG_CONFIG_HOME, HOME). Default: process.env. */
  env?: RcloneEnv;
  /** Home directory; default env.HOME or os.homedir(). */
  homeDir?: string;
}

export interface ConfigLocation {
  /** The file to read, or undefined for "no config file" (remotes may still come from env). */
  path: string | undefined;
  /** Where the path came from. */
  source: 'option' | 'RCLONE_CONFIG' | 'default' | 'none';
  /** Default locations that were tried (for error messages). */
  searched: string[];
}

const isInMemoryPath = (p: string): boolean => p === '' || p === '/dev/null' || basename(p) === 'notfound';

/** rclone's config file search: explicit path, RCLONE_CONFIG, then the default locations. */
export function findConfigPath(options: ConfigLocationOptions = {}): ConfigLocation {
  const env = options.env ?? process.env;
  if (options.configPath !== undefined) {
    return { path: isInMemoryPath(options.configPath) ? undefined : options.configPath, source: 'option', searched: [] };
  }
  const fromEnv = env.RCLONE_CONFIG;
  if (fromEnv !== undefined) {
    return { path: isInMemoryPath(fromEnv) ? undefined : fromEnv, source: 'RCLONE_CONFIG', searched: [] };
  }
  const home = options.homeDir ?? env.HOME ?? homedir();
  const searched: string[] = [];
  if (env.XDG_CONFIG_HOME) searched.push(join(env.XDG_CONFIG_HOME, 'rclone', 'rclone.conf'));
  searched.push(join(home, '.config', 'rclone', 'rclone.conf'), join(home, '.rclone.conf'));
  const found = searched.find((p) => existsSync(p));
  return { path: found, source: found ? 'default' : 'none', searched };
}

export interface LoadConfigOptions extends ConfigLocationOptions {
  /** Command printing the config password (rclone's --password-command); default env RCLONE_PASSWORD_COMMAND. */
  passwordCommand?: string;
}

/** Go's strconv.ParseBool. */
export function parseRcloneBool(value: string, what: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new ConfigError(`${what}: invalid boolean ${quoteForMessage(value)}`);
}

const envKey = (remote: string, key: string): string =>
  `RCLONE_CONFIG_${`${remote}_${key.replace(/-/g, '_')}`.toUpperCase()}`;
const backendEnvKey = (type: string, key: string): string =>
  `RCLONE_${`${type}-${key}`.replace(/-/g, '_').toUpperCase()}`;

/** A loaded rclone configuration: file sections plus environment overrides. */
export class RcloneConfig {
  constructor(
    readonly location: ConfigLocation,
    readonly sections: IniSections,
    readonly env: RcloneEnv,
  ) {}

  /** Human description of where remotes come from, for error messages. */
  describe(): string {
    if (this.location.path) return this.location.path;
    if (this.location.searched.length > 0) return `no rclone config file (looked for ${this.location.searched.join(', ')})`;
    return 'no rclone config file';
  }

  /** Remote names: sections of the file plus remotes defined only by RCLONE_CONFIG_<NAME>_TYPE. */
  remoteNames(): string[] {
    const names = [...this.sections.keys()].filter((n) => n !== 'DEFAULT' || this.sections.get(n)!.size > 0);
    const upper = new Set(names.map((n) => n.toUpperCase()));
    for (const key of Object.keys(this.env)) {
      const m = /^RCLONE_CONFIG_(.+)_TYPE$/.exec(key);
      if (m && this.env[key] && !upper.has(m[1]!)) {
        names.push(m[1]!.toLowerCase());
        upper.add(m[1]!);
      }
    }
    return names;
  }

  has(remote: string): boolean {
    return this.sections.has(remote) || Boolean(this.env[envKey(remote, 'type')]);
  }

  /** A remote's option with rclone's precedence: RCLONE_CONFIG_<REMOTE>_<KEY>, RCLONE_<TYPE>_<KEY>, file. Empty = unset. */
  get(remote: string, key: string): string | undefined {
    const fromRemoteEnv = this.env[envKey(remote, key)];
    if (fromRemoteEnv) return fromRemoteEnv;
    if (key !== 'type') {
      const type = this.get(remote, 'type');
      const fromBackendEnv = type ? this.env[backendEnvKey(type, key)] : undefined;
      if (fromBackendEnv) return fromBackendEnv;
    }
    const value = this.sections.get(remote)?.get(key);
    return value === '' ? undefined : value;
  }

  type(remote: string): string | undefined {
    return this.get(remote, 'type');
  }
}

async function configPassword(options: LoadConfigOptions, env: RcloneEnv, file: string): Promise<string> {
  const command = options.passwordCommand ?? env.RCLONE_PASSWORD_COMMAND;
  if (env.RCLONE_CONFIG_PASS) return env.RCLONE_CONFIG_PASS;
  if (command) {
    const [program, ...args] = command.trim().split(/\s+/);
    try {
      const { execa } = await import('execa');
      const cancel = interruptSignal();
      const { stdout } = await execa(program!, args, { env: { ...env }, extendEnv: false, stdin: 'ignore', forceKillAfterDelay: 5_000, ...(cancel ? { cancelSignal: cancel } : {}) });
      return stdout.replace(/[\r\n]+$/, '');
    } catch (error) {
      throw new ConfigError(`password command failed: ${(error as Error).message.split('\n')[0]}`, file);
    }
  }
  throw new ConfigError('the rclone config is encrypted: set RCLONE_CONFIG_PASS (or RCLONE_PASSWORD_COMMAND)', file);
}

/** Finds and reads rclone.conf (decrypting it if needed); a missing default file is an empty config. */
export async function loadRcloneConfig(options: LoadConfigOptions = {}): Promise<RcloneConfig> {
  const env = options.env ?? process.env;
  const location = findConfigPath({ ...options, env });
  let text = '';
  if (location.path) {
    try {
      text = await readFile(location.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!(code === 'ENOENT' && location.source === 'RCLONE_CONFIG')) {
        throw new ConfigError(
          code === 'ENOENT' ? 'rclone config file not found' : `cannot read rclone config: ${(error as Error).message}`,
          location.path,
        );
      }
    }
  }
  const file = location.path ?? 'rclone.conf';
  if (detectConfigEncryption(text).kind === 'encrypted') {
    text = decryptConfigText(text, await configPassword(options, env, file), file);
  }
  return new RcloneConfig(location, parseRcloneIni(text, file), env);
}
