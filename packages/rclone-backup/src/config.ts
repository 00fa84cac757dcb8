import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { checkNamedFile, ConfigError, isSystemError, parseMaxDelete, quoteForMessage, systemErrorReason, type DeleteLimit } from '@rclone-b2/core';

// max_delete is shared with rsync-backup: parsed by core.
export { parseMaxDelete, type DeleteLimit };

export interface BackupConfig {
  /** The config file's path and its name without `.conf` (used for prefixes and state). */
  file: string;
  name: string;
  source: string;
  destination: string;
  archiveSpecials: boolean;
  /** undefined: not set (no, unless the command line says --copy-links). */
  copyLinks: boolean | undefined;
  preCommand: string | undefined;
  requireMount: boolean;
  sentinel: string | undefined;
  /** `exclude_from`: an rclone --exclude-from file (absolute; a relative one is resolved against the config's directory). */
  excludeFrom: string | undefined;
  /** `file:line` of exclude_from, for a message about that file. */
  excludeFromWhere?: string | undefined;
  minFiles: number | undefined;
  /** Every limit must hold; empty means no limit (`max_delete = off`). */
  maxDelete: DeleteLimit[];
  filters: string[];
  testFilters: string[];
  /** `file:line: …` notes for the user (a `#` that is part of a value or rule). */
  warnings: string[];
}

export const DEFAULT_MAX_DELETE = '50%';

const KEYS = ['source', 'destination', 'archive_specials', 'copy_links', 'pre_command', 'require_mount', 'sentinel', 'min_files', 'max_delete', 'exclude_from'] as const;
type Key = (typeof KEYS)[number];
const SECTIONS = ['default', 'filters', 'test-filters'] as const;
type Section = (typeof SECTIONS)[number];

/** yes/no/true/false/1/0 (any case) → boolean; anything else is an error at `where`. */
export function parseBoolean(value: string, where: string, key: string): boolean {
  const v = value.toLowerCase();
  if (['yes', 'true', '1', 'on'].includes(v)) return true;
  if (['no', 'false', '0', 'off'].includes(v)) return false;
  throw new ConfigError(`${key}: expected yes/no/true/false/1/0, got ${quoteForMessage(value)}`, where);
}

/**
 * Comments are whole lines whose first non-blank character is `#` or `;`, as in rclone's
 * filter files and rclone.conf. There are no trailing comments: `- /Photos #2/**` is a
 * rule about `Photos #2`, and cutting it at the `#` would silently widen it.
 */
export function isCommentOrBlank(line: string): boolean {
  const text = line.trim();
  return text === '' || text.startsWith('#') || text.startsWith(';');
}

/** A `#` after white space looks like the trailing comment some other formats allow. */
const LOOKS_LIKE_COMMENT = /\s#/;

function hashWarning(what: string, text: string, where: string): string | undefined {
  if (!LOOKS_LIKE_COMMENT.test(text)) return undefined;
  return `${where}: the "#" is part of the ${what} (${JSON.stringify(text)}); comments must be on their own line`;
}

/**
 * White space at the end of a rule is dropped, as rclone's filter files drop it (an editor
 * adds and strips it unseen), but never silently: a name that does end in a space needs `[ ]`.
 */
function trailingSpaceWarning(raw: string, rule: string, where: string): string {
  return `${where}: the white space at the end of the rule ${JSON.stringify(raw)} is ignored, as in rclone's filter files: the rule is ${JSON.stringify(rule)}; to match a name that ends in a space, write "[ ]" for it`;
}

/** A backup's name: its config file's name without `.conf` (prefixes, state, messages). */
export const backupName = (file: string): string => basename(file).replace(/\.conf$/, '');

export function parseConfigText(text: string, file: string): BackupConfig {
  const values = new Map<Key, { value: string; where: string }>();
  const filters: string[] = [];
  const testFilters: string[] = [];
  const warnings: string[] = [];
  let section: Section | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const where = `${file}:${index + 1}`;
    if (isCommentOrBlank(raw)) return;
    const line = raw.trim();
    const header = /^\[(.*)\]$/.exec(line);
    if (!header && line.startsWith('[')) throw new ConfigError(`section header must be the whole line, like [filters]: ${line}`, where);
    if (header) {
      const name = (header[1] ?? '').trim();
      if (!(SECTIONS as readonly string[]).includes(name)) {
        throw new ConfigError(`unknown section [${name}] (expected [default], [filters] or [test-filters])`, where);
      }
      section = name as Section;
      return;
    }
    if (section === undefined) throw new ConfigError('setting outside a section (start with [default])', where);
    if (section === 'filters' || section === 'test-filters') {
      if (!/^[+-] \S/.test(line)) throw new ConfigError(`filter rule must start with "+ " or "- ": ${quoteForMessage(line)}`, where);
      const warning = hashWarning('rule', line, where);
      if (warning) warnings.push(warning);
      if (/\s$/.test(raw)) warnings.push(trailingSpaceWarning(raw.trimStart(), line, where));
      (section === 'filters' ? filters : testFilters).push(line);
      return;
    }
    const pair = /^([\w-]+)\s*=\s*(.*)$/.exec(line);
    if (!pair) throw new ConfigError(`expected key = value: ${quoteForMessage(line)}`, where);
    const key = (pair[1] ?? '').toLowerCase();
    if (!(KEYS as readonly string[]).includes(key)) throw new ConfigError(`unknown key "${key}"`, where);
    if (values.has(key as Key)) throw new ConfigError(`duplicate key "${key}"`, where);
    const value = (pair[2] ?? '').trim();
    if (value === '') throw new ConfigError(`empty value for "${key}"`, where);
    const warning = hashWarning(`value of ${key}`, value, where);
    if (warning) warnings.push(warning);
    values.set(key as Key, { value, where });
  });
  const get = (key: Key): { value: string; where: string } | undefined => values.get(key);
  const required = (key: Key): string => {
    const entry = get(key);
    if (!entry) throw new ConfigError(`missing required key "${key}" in [default]`, file);
    return entry.value;
  };
  const bool = (key: Key, fallback: boolean | undefined): boolean | undefined => {
    const entry = get(key);
    return entry ? parseBoolean(entry.value, entry.where, key) : fallback;
  };
  const minFiles = get('min_files');
  if (minFiles && !/^\d+$/.test(minFiles.value)) throw new ConfigError(`min_files: expected a number, got "${minFiles.value}"`, minFiles.where);
  const maxDelete = get('max_delete');
  const excludeFrom = get('exclude_from');
  return {
    file,
    name: backupName(file),
    source: required('source'),
    destination: required('destination'),
    archiveSpecials: bool('archive_specials', true) ?? true,
    copyLinks: bool('copy_links', undefined),
    preCommand: get('pre_command')?.value,
    requireMount: bool('require_mount', false) ?? false,
    sentinel: get('sentinel')?.value,
    excludeFrom: excludeFrom === undefined ? undefined : resolve(dirname(file), excludeFrom.value),
    excludeFromWhere: excludeFrom?.where,
    minFiles: minFiles ? Number(minFiles.value) : undefined,
    maxDelete: parseMaxDelete(maxDelete?.value ?? DEFAULT_MAX_DELETE, maxDelete?.where ?? file),
    filters,
    testFilters,
    warnings,
  };
}

export async function readConfig(file: string): Promise<BackupConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // a named input that cannot be read: exit 2, in the system's words (as coreutils)
    throw new ConfigError(`cannot open ${quoteForMessage(file)}: ${isSystemError(error) ? systemErrorReason(error) : (error as Error).message}`, undefined, { cause: error });
  }
  const config = parseConfigText(text, file);
  if (config.excludeFrom !== undefined) await checkNamedFile(config.excludeFrom, 'exclude_from', config.excludeFromWhere ?? file);
  return config;
}

