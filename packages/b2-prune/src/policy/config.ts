import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUILTIN_POLICIES,
  ConfigError,
  DEFAULT_POLICY,
  isSystemError,
  parsePolicy,
  PathMatcher,
  PolicySpecError,
  quoteForMessage,
  systemErrorReason,
  type PathRule,
  type Policy,
} from '@rclone-b2/core';

export interface PolicyConfig {
  policies: Map<string, Policy>;
  rules: PathRule[];
  matcher: PathMatcher;
  /** The file read, if any. */
  source?: string;
}

/**
 * Where b2-prune looks for its policy file when --policy-file is not given, first found
 * wins: `$XDG_CONFIG_HOME/b2-prune/policies.ini` (default `~/.config/...`), then
 * `/etc/b2-prune.conf`. None found → built-in policies only, every path → `default`.
 */
export function defaultPolicyFiles(env: Record<string, string | undefined>): string[] {
  const files: string[] = [];
  const configHome = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, '.config') : undefined);
  if (configHome) files.push(join(configHome, 'b2-prune', 'policies.ini'));
  files.push('/etc/b2-prune.conf');
  return files;
}

function builtins(): Map<string, Policy> {
  return new Map(Object.entries(BUILTIN_POLICIES).map(([name, spec]) => [name, parsePolicy(name, spec)]));
}

function unquote(text: string): string {
  const t = text.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/**
 * Parses a policy file: `[policies] name = spec` and `[paths] prefix-or-glob = policy`.
 * Comments are whole lines starting with `#` or `;`. A path pattern may be written in
 * double quotes (to contain `=` or spaces at its ends). Errors name `file:line`.
 */
export function parsePolicyConfig(text: string, file: string): PolicyConfig {
  const policies = builtins();
  const defined = new Set<string>();
  const pending: { pattern: string; policyName: string; where: string }[] = [];
  let section: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const where = `${file}:${index + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]*)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      if (section !== 'policies' && section !== 'paths') {
        throw new ConfigError(`unknown section [${header[1]}] (expected [policies] or [paths])`, where);
      }
      return;
    }
    const quoted = /^"((?:[^"\\]|\\.)*)"\s*=(.*)$/.exec(line);
    const eq = line.indexOf('=');
    if (!quoted && eq < 0) throw new ConfigError(`expected "key = value", got ${quoteForMessage(line)}`, where);
    const key = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : line.slice(0, eq).trim();
    const value = quoted ? quoted[2]!.trim() : line.slice(eq + 1).trim();
    if (section === undefined) throw new ConfigError('setting outside a [policies] or [paths] section', where);
    if (key === '') throw new ConfigError('empty name before "="', where);
    if (section === 'policies') {
      if (!/^[\w.-]+$/.test(key)) throw new ConfigError(`invalid policy name "${key}" (letters, digits, _ . -)`, where);
      if (defined.has(key)) throw new ConfigError(`policy "${key}" defined twice`, where);
      defined.add(key);
      try {
        policies.set(key, parsePolicy(key, unquote(value)));
      } catch (error) {
        if (error instanceof PolicySpecError) {
          throw new ConfigError(`policy "${key}": ${error.message} (at column ${error.column} of "${unquote(value)}")`, where);
        }
        throw error;
      }
    } else {
      if (value === '') throw new ConfigError(`path rule "${key}" names no policy`, where);
      pending.push({ pattern: key, policyName: value, where });
    }
  });
  const rules = pending.map(({ pattern, policyName, where }) => {
    const policy = policies.get(policyName);
    if (!policy) {
      const known = [...policies.keys()].sort().join(', ');
      throw new ConfigError(`unknown policy "${policyName}" for path "${pattern}" (known: ${known})`, where);
    }
    return { pattern, policy, where };
  });
  return { policies, rules, matcher: new PathMatcher(rules, policies.get(DEFAULT_POLICY)!), source: file };
}

/** Only the built-ins: every path gets `default`. */
export function builtinPolicyConfig(): PolicyConfig {
  const policies = builtins();
  return { policies, rules: [], matcher: new PathMatcher([], policies.get(DEFAULT_POLICY)!) };
}

/** Reads --policy-file (must exist) or the first default location that exists. */
export async function loadPolicyConfig(file: string | undefined, env: Record<string, string | undefined>): Promise<PolicyConfig> {
  const path = file ?? defaultPolicyFiles(env).find((candidate) => existsSync(candidate));
  if (path === undefined) return builtinPolicyConfig();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // a named input that cannot be read: exit 2, in the system's words (as coreutils)
    throw new ConfigError(`cannot open policy file ${quoteForMessage(path)}: ${isSystemError(error) ? systemErrorReason(error) : (error as Error).message}`, undefined, { cause: error });
  }
  return parsePolicyConfig(text, path);
}
