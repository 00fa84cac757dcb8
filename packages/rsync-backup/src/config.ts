import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { checkNamedFile, ConfigError, parseMaxDelete, quoteForMessage, reasonOf, type DeleteLimit } from '@rclone-b2/core';

export interface RsyncBackupConfig {
  file: string;
  /** The file name without `.conf`: names the lock and the state file. */
  name: string;
  /** Absolute paths; each is kept under its full path in the snapshot (rsync --relative). */
  sources: string[];
  /** `user@host`: the account target-setup made for this source host. */
  user: string;
  host: string;
  sshKey: string | undefined;
  sshPort: number | undefined;
  knownHosts: string | undefined;
  /** `exclude_from` files (a relative one resolved against the config's directory). */
  excludeFrom: string[];
  /** Every file the config names (exclude_from, ssh_key, known_hosts) with its `file:line`: checked before anything runs. */
  namedFiles: { key: string; path: string; where: string }[];
  excludes: string[];
  requireMount: boolean;
  sentinel: string | undefined;
  /** Files that may disappear since the last snapshot (all must hold); empty = off. */
  maxDelete: DeleteLimit[];
  oneFileSystem: boolean;
}

export const DEFAULT_MAX_DELETE = '50%';
const KEYS = new Set(['source', 'target', 'ssh_key', 'ssh_port', 'known_hosts', 'exclude_from', 'require_mount', 'sentinel', 'max_delete', 'one_file_system']);
const REPEATABLE = new Set(['source', 'exclude_from']);

function parseBoolean(value: string, where: string, key: string): boolean {
  if (/^(yes|true|1|on)$/i.test(value)) return true;
  if (/^(no|false|0|off)$/i.test(value)) return false;
  throw new ConfigError(`${key}: expected yes/no/true/false/1/0, got ${quoteForMessage(value)}`, where);
}

/**
 * `[default]` key = value lines (source and exclude_from may repeat) and an `[excludes]`
 * section of rsync exclude patterns, one a line. Comments are whole lines starting with
 * `#` or `;` (a `#` inside a pattern is part of it).
 */
export function parseConfig(text: string, file: string): RsyncBackupConfig {
  const values = new Map<string, { value: string; where: string }[]>();
  const excludes: string[] = [];
  let section: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const where = `${file}:${index + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      if (section !== 'default' && section !== 'excludes') throw new ConfigError(`unknown section [${section}] (expected [default] or [excludes])`, where);
      return;
    }
    if (section === 'excludes') {
      excludes.push(line);
      return;
    }
    if (section === undefined) throw new ConfigError('setting outside a section (start with [default])', where);
    const eq = line.indexOf('=');
    if (eq < 0) throw new ConfigError(`expected "key = value", got ${quoteForMessage(line)}`, where);
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (!KEYS.has(key)) throw new ConfigError(`unknown key "${key}" (known: ${[...KEYS].join(', ')})`, where);
    const list = values.get(key) ?? [];
    if (list.length > 0 && !REPEATABLE.has(key)) throw new ConfigError(`${key} given twice`, where);
    list.push({ value, where });
    values.set(key, list);
  });
  const one = (key: string) => values.get(key)?.[0];
  const sources = values.get('source') ?? [];
  if (sources.length === 0) throw new ConfigError('no source = … line', file);
  for (const { value, where } of sources) {
    if (!isAbsolute(value)) throw new ConfigError(`source must be an absolute path, got ${quoteForMessage(value)}`, where);
  }
  const target = one('target');
  if (!target) throw new ConfigError('no target = user@host line', file);
  const m = /^([a-z_][a-z0-9_.-]*)@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:.*)?$/.exec(target.value);
  if (!m) throw new ConfigError(`target: expected user@host, got ${quoteForMessage(target.value)}`, target.where);
  if (m[3] && m[3] !== ':') {
    // The area is fixed on the target by the forced command; a path here would be ignored.
    throw new ConfigError(`target: the snapshot area is fixed by the target's forced command (target-setup); write ${m[1]}@${m[2]} without ${quoteForMessage(m[3])}`, target.where);
  }
  const port = one('ssh_port');
  if (port && !/^\d{1,5}$/.test(port.value)) throw new ConfigError(`ssh_port: expected a port number, got ${quoteForMessage(port.value)}`, port.where);
  const bool = (key: string, fallback: boolean) => {
    const v = one(key);
    return v ? parseBoolean(v.value, v.where, key) : fallback;
  };
  const maxDelete = one('max_delete');
  return {
    file,
    name: basename(file).replace(/\.conf$/, ''),
    sources: sources.map((s) => s.value.replace(/(.)\/+$/, '$1')),
    user: m[1]!,
    host: m[2]!,
    sshKey: one('ssh_key')?.value || undefined,
    sshPort: port ? Number(port.value) : undefined,
    knownHosts: one('known_hosts')?.value || undefined,
    excludeFrom: (values.get('exclude_from') ?? []).map((v) => resolve(dirname(file), v.value)),
    namedFiles: [
      ...(values.get('exclude_from') ?? []).map((v) => ({ key: 'exclude_from', path: resolve(dirname(file), v.value), where: v.where })),
      ...['ssh_key', 'known_hosts'].flatMap((key) => {
        const v = one(key);
        return v?.value ? [{ key, path: v.value, where: v.where }] : [];
      }),
    ],
    excludes,
    requireMount: bool('require_mount', false),
    sentinel: one('sentinel')?.value || undefined,
    maxDelete: parseMaxDelete(maxDelete?.value ?? DEFAULT_MAX_DELETE, maxDelete?.where ?? file),
    oneFileSystem: bool('one_file_system', false),
  };
}

export async function readConfig(file: string): Promise<RsyncBackupConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config ${quoteForMessage(file)}: ${reasonOf(error)}`, undefined, { cause: error });
  }
  const config = parseConfig(text, file);
  // A file rsync or ssh could not read would fail the run later in their words (rsync exit 11
  // naming no file; ssh's "Permission denied (publickey)" with a hint about the connection).
  for (const { key, path, where } of config.namedFiles) await checkNamedFile(path, key, where);
  return config;
}
