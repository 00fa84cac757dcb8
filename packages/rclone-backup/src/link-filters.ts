import { readFile } from 'node:fs/promises';
import {
  escapeName,
  excludeFromRules,
  globLiteral,
  hasNameEscapes,
  parseFilterRule,
  RcloneFilter,
  standardPathOfLocal,
  type RcloneFilterRule,
} from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import { BUILTIN_FILTERS, syncFilterRules } from './rclone-args.js';

/**
 * rclone 1.60.1's `--links` stores a symlink X as the object X.rclonelink and backs it up only
 * if BOTH names pass the filters (the local backend filters X, the sync X.rclonelink). So
 * `+ *.jpg` / `- *` silently drops every symlink `a.jpg`. This names, at warning level, the
 * links that one name lets through and the other drops:
 * - the own name passes, the stored name is excluded by a rule that does not mention
 *   `rclonelink` (a `- *.rclonelink` means to leave links out);
 * - the own name is excluded while a `+` rule that mentions `rclonelink` admits the stored
 *   name (the user asked for links there). Excluding X itself (`- *.jpg`) drops a link X as it
 *   drops a file X: that is what the rule says.
 * Links in a directory rclone does not enter, or whose two names are both excluded, are
 * left out as the rules say. Where RcloneFilter cannot tell (a `{{regexp}}`…), nothing is said.
 */
type Section = 'exclude_from' | 'built-in' | 'archive' | 'filters';
interface Rule {
  text: string;
  section: Section;
  rule: RcloneFilterRule;
}

const SUFFIX = '.rclonelink';
const SHOWN = 10;
const mentionsLinks = (rule: Rule | undefined): boolean => rule !== undefined && rule.rule.glob.includes('rclonelink');

/** The rules the sync gives rclone, in rclone's order: exclude_from's first, then the --filter list. */
async function syncRules(config: BackupConfig, specialsDir: string | undefined): Promise<Rule[] | undefined> {
  const rules: Rule[] = [];
  if (config.excludeFrom !== undefined) {
    const text = await readFile(config.excludeFrom, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    for (const rule of excludeFromRules(text)) rules.push({ text: `- ${rule.glob}`, section: 'exclude_from', rule });
  }
  const filters = syncFilterRules(config, specialsDir);
  const userFrom = filters.length - config.filters.length;
  filters.forEach((text, index) => {
    const rule = parseFilterRule(text);
    if (rule === undefined || rule === 'clear') return;
    const section: Section = index >= userFrom ? 'filters' : index < BUILTIN_FILTERS.length ? 'built-in' : 'archive';
    rules.push({ text, section, rule });
  });
  return rules;
}

/** A glob for exactly this path, as a config line keeps it (a trailing space would be dropped: `[ ]`). */
const exactGlob = (path: string): string => `/${globLiteral(path).replace(/ $/, '[ ]')}`;

interface Dropped {
  path: string;
  /** stored: X passes, X.rclonelink is excluded; name: the reverse. */
  kind: 'stored' | 'name';
  excludedBy: number;
  admittedBy: number;
  /** A pattern rule that brings back every link of its group (checked), or per link an exact rule. */
  pattern?: string;
  exact?: string;
}

export interface LinkFilterNotices {
  warnings: string[];
  /** Links not judged (a rule this check cannot read), for -v. */
  unchecked?: string;
}

/**
 * The warnings for `links` (SOURCE's symlinks, local relative paths) under the sync's rules.
 * Costs nothing without links; with them, one pass over the links.
 */
export async function linkFilterNotices(config: BackupConfig, links: readonly string[], specialsDir: string | undefined): Promise<LinkFilterNotices> {
  if (links.length === 0) return { warnings: [] };
  const rules = await syncRules(config, specialsDir);
  if (rules === undefined)
    return { warnings: [], unchecked: `${links.length} symlink(s) not checked against the filters: exclude_from ${config.excludeFrom ?? ''} cannot be read` };
  const filter = new RcloneFilter(rules.map((r) => r.rule));
  const verifiers = new Map<string, RcloneFilter>();
  const dropped: Dropped[] = [];
  let unknown = 0;
  for (const path of links) {
    const standard = standardPathOfLocal(path);
    const reaches = filter.reaches(standard);
    const name = filter.includeFile(standard);
    const stored = filter.includeFile(standard + SUFFIX);
    if (reaches === false) continue;
    if (reaches === undefined || name.include === undefined || stored.include === undefined) {
      unknown += 1;
      continue;
    }
    if (name.include === stored.include) continue;
    if (name.include) {
      if (mentionsLinks(rules[stored.rule])) continue;
      const item: Dropped = { path, kind: 'stored', excludedBy: stored.rule, admittedBy: name.rule };
      if (rules[stored.rule]?.section === 'filters') {
        const admitting = rules[name.rule];
        const candidate =
          admitting?.section === 'filters' && admitting.rule.include && !admitting.rule.glob.endsWith('/') ? `+ ${admitting.rule.glob}${SUFFIX}` : undefined;
        if (candidate !== undefined && bringsBack(verifiers, rules, stored.rule, candidate, standard)) item.pattern = candidate;
        else if (!hasNameEscapes(standard)) item.exact = `+ ${exactGlob(standard + SUFFIX)}`;
      }
      dropped.push(item);
    } else {
      if (!rules[stored.rule]?.rule.include || !mentionsLinks(rules[stored.rule])) continue;
      const item: Dropped = { path, kind: 'name', excludedBy: name.rule, admittedBy: stored.rule };
      if (rules[name.rule]?.section === 'filters' && !hasNameEscapes(standard)) item.exact = `+ ${exactGlob(standard)}`;
      dropped.push(item);
    }
  }
  const unchecked =
    unknown > 0
      ? `${unknown} symlink(s) not checked against the filters: ${[...filter.invalid, ...filter.unsupported].map((u) => `"${rules[u.rule]?.text ?? ''}" uses ${u.reason}`).join('; ')}, which this check does not read`
      : undefined;
  dropped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { warnings: groupWarnings(config, rules, dropped), ...(unchecked ? { unchecked } : {}) };
}

/** Whether `candidate` placed before rule `at` lets both names of the link at `standard` through (one filter per candidate and place). */
function bringsBack(verifiers: Map<string, RcloneFilter>, rules: readonly Rule[], at: number, candidate: string, standard: string): boolean {
  const key = `${at}\0${candidate}`;
  let filter = verifiers.get(key);
  if (!filter) {
    const parsed = parseFilterRule(candidate);
    if (parsed === undefined || parsed === 'clear') return false;
    filter = new RcloneFilter([...rules.slice(0, at).map((r) => r.rule), parsed, ...rules.slice(at).map((r) => r.rule)]);
    verifiers.set(key, filter);
  }
  return filter.reaches(standard) === true && filter.includeFile(standard).include === true && filter.includeFile(standard + SUFFIX).include === true;
}

function where(config: BackupConfig, rule: Rule | undefined): string {
  if (!rule) return 'no rule';
  const text = JSON.stringify(rule.text);
  if (rule.section === 'exclude_from') return `${text} (exclude_from ${config.excludeFrom ?? ''})`;
  return rule.section === 'filters' ? `${text} ([filters])` : `${text} (${rule.section})`;
}

function groupWarnings(config: BackupConfig, rules: readonly Rule[], dropped: readonly Dropped[]): string[] {
  const groups = new Map<string, Dropped[]>();
  for (const item of dropped) {
    const key = `${item.kind}\0${item.excludedBy}\0${item.admittedBy}\0${item.pattern ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const warnings: string[] = [];
  for (const group of groups.values()) {
    const first = group[0] as Dropped;
    const excluding = rules[first.excludedBy];
    const count = group.length === 1 ? '1 symlink is' : `${group.length} symlinks are`;
    const why =
      first.kind === 'stored'
        ? `their own names pass, but ${where(config, excluding)} excludes the names they are stored under (X.rclonelink)`
        : `${where(config, rules[first.admittedBy])} admits the names they are stored under (X.rclonelink), but ${where(config, excluding)} excludes their own names`;
    let fix: string;
    if (first.pattern) fix = `add "${first.pattern}" to [filters] before ${JSON.stringify(excluding?.text)}, or set copy_links = yes`;
    else if (excluding?.section === 'filters')
      fix = `add the rule shown for each to [filters] before ${JSON.stringify(excluding.text)}, or set copy_links = yes`;
    else if (excluding?.section === 'exclude_from')
      fix = `exclude_from's rules come before [filters], so only taking that rule out of ${config.excludeFrom ?? ''} or copy_links = yes backs them up`;
    else fix = 'set copy_links = yes to back them up';
    const lines = group.slice(0, SHOWN).map((item) => {
      const excludedName = item.kind === 'stored' ? `${item.path}${SUFFIX}` : item.path;
      return `\n  ${escapeName(item.path)}: ${escapeName(excludedName)} is excluded${item.exact && !first.pattern ? `; add "${item.exact}"` : ''}`;
    });
    const more = group.length > SHOWN ? `\n  … and ${group.length - SHOWN} more` : '';
    warnings.push(
      `${count} not backed up: rclone's --links stores a symlink X as X.rclonelink and backs it up only when both names pass the filters; ${why}; ${fix}:${lines.join('')}${more}`,
    );
  }
  return warnings;
}
