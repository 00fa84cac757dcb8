import { globToDirGlobs, globToRcloneRegExp } from './filter-glob.js';

/**
 * rclone 1.60.1's filter (fs/filter/filter.go) in JavaScript: which files and directories a
 * listing with `--filter`/`--exclude-from` rules includes. Used to say what the rules do to
 * a name without asking rclone (e.g. which symlinks `--links` leaves out).
 *
 * Each rule (`+ glob` / `- glob`) adds, as rclone's Filter.Add does:
 * - a file rule, unless the glob ends in `/` (a directory rule); `- dir/` becomes `- dir/**`;
 * - a directory rule when the glob ends in `/` or holds `**`;
 * - for an include (or `- *`), the directory rules globToDirGlobs derives, so that rclone
 *   walks into the directories where the glob could match.
 * A file is judged by the first file rule matching its path (none: included); a directory
 * by the first directory rule matching `path/` (none: included), and rclone never lists
 * below a directory it excludes.
 *
 * Answers are `undefined` where a rule this port cannot read exactly (see filter-glob.ts)
 * is reached before a rule that decides, and always when a rule is one rclone refuses (it
 * would not run at all): the caller must not claim anything then.
 */
export interface RcloneFilterRule {
  include: boolean;
  glob: string;
}

/** How a path was judged: `include` undefined when unknown; `rule` the index of the deciding rule (-1: none matched, 0-based in the list given). */
export interface FilterVerdict {
  include: boolean | undefined;
  rule: number;
}

interface Compiled {
  include: boolean;
  rule: number;
  /** undefined: a rule that cannot be matched exactly here. */
  regexp?: RegExp;
}

/** `+ glob`, `- glob` or `!` (clear), as rclone's AddRule reads a --filter argument; undefined when malformed. */
export function parseFilterRule(text: string): RcloneFilterRule | 'clear' | undefined {
  if (text === '!') return 'clear';
  if (text.startsWith('- ')) return { include: false, glob: text.slice(2) };
  if (text.startsWith('+ ')) return { include: true, glob: text.slice(2) };
  return undefined;
}

/** The rules of an `--exclude-from` file, as rclone reads it: trimmed lines, blank ones and `#`/`;` comments skipped. */
export function excludeFromRules(text: string): RcloneFilterRule[] {
  const rules: RcloneFilterRule[] = [];
  for (const raw of text.split('\n')) {
    // Go's bufio.Scanner drops a \r before the \n; strings.TrimSpace the rest.
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    rules.push({ include: false, glob: line });
  }
  return rules;
}

/** A glob matching exactly `path` (a standard path) and nothing else: rclone reads `\\` + an ASCII punctuation character as that character. */
export const globLiteral = (path: string): string => path.replace(/[*?[\]{}\\]/g, '\\$&');

const ESCAPED_BYTE = /[\udc80-\udcff]/g;
/** Go's regexp reads a byte that is not UTF-8 as U+FFFD: names as name-bytes.ts makes them. */
const forMatching = (path: string): string => (path.search(ESCAPED_BYTE) < 0 ? path : path.replace(ESCAPED_BYTE, '\ufffd'));

export class RcloneFilter {
  /** Rules this port cannot read exactly, with why: answers they could decide are undefined. */
  readonly unsupported: { rule: number; reason: string }[] = [];
  /** Rules rclone refuses (it would fail to start): every answer they could decide is undefined. */
  readonly invalid: { rule: number; reason: string }[] = [];
  private readonly fileRules: Compiled[] = [];
  private readonly dirRules: Compiled[] = [];
  /**
   * File rules without special characters, by the name they match: the first rule of each.
   * rclone tries rules one by one; an exclude_from list of 100,000 exact paths would make
   * that 100,000 tests per name here too. A lookup gives the same first match.
   */
  private readonly anchored = new Map<string, number>();
  private readonly unanchored = new Map<string, number>();
  /** Positions (in fileRules) of the rules that are not in those maps. */
  private readonly scanned: number[] = [];
  /** reaches(): each directory's verdict once (null: unknown). */
  private readonly directories = new Map<string, boolean | null>();

  constructor(rules: readonly RcloneFilterRule[]) {
    rules.forEach((rule, index) => this.add(rule, index));
  }

  private compile(glob: string, rule: number): { regexp?: RegExp; literal?: string } {
    const result = globToRcloneRegExp(glob);
    if ('problem' in result) {
      const list = result.problem === 'invalid' ? this.invalid : this.unsupported;
      if (!list.some((known) => known.rule === rule)) list.push({ rule, reason: result.reason });
      return {};
    }
    return { regexp: new RegExp(result.regexp, 'u'), ...(result.literal !== undefined ? { literal: result.literal } : {}) };
  }

  private add({ include, glob: given }: RcloneFilterRule, rule: number): void {
    let glob = given;
    let isDirRule = glob.endsWith('/');
    let isFileRule = !isDirRule;
    if (isDirRule && !include) glob += '**';
    if (glob.includes('**')) isDirRule = isFileRule = true;
    const { regexp, literal } = this.compile(glob, rule);
    if (isFileRule) {
      const position = this.fileRules.length;
      this.fileRules.push({ include, rule, regexp });
      const map = glob.startsWith('/') ? this.anchored : this.unanchored;
      if (literal !== undefined) {
        if (!map.has(literal)) map.set(literal, position);
      } else this.scanned.push(position);
      if (include || glob === '*') {
        for (const dirGlob of globToDirGlobs(glob)) {
          if (dirGlob === '/') continue;
          this.dirRules.push({ include, rule, regexp: this.compile(dirGlob, rule).regexp });
        }
      }
    }
    if (isDirRule) this.dirRules.push({ include, rule, regexp });
  }

  /** rclone's IncludeRemote: the file at `path` (a standard rclone path, no leading `/`). */
  includeFile(path: string): FilterVerdict {
    if (this.invalid.length > 0) return { include: undefined, rule: this.invalid[0]!.rule };
    const name = forMatching(path);
    // The first literal rule matching: the whole path (anchored), or the path or a suffix after any `/`.
    let first = this.anchored.size > 0 ? (this.anchored.get(name) ?? Infinity) : Infinity;
    for (let at = this.unanchored.size > 0 ? 0 : -1; at >= 0; at = name.indexOf('/', at) + 1 || -1) {
      const position = this.unanchored.get(name.slice(at));
      if (position !== undefined && position < first) first = position;
      if (at === name.length) break;
    }
    for (const position of this.scanned) {
      if (position > first) break;
      const verdict = judge(this.fileRules[position] as Compiled, name);
      if (verdict) return verdict;
    }
    const rule = this.fileRules[first];
    return rule ? { include: rule.include, rule: rule.rule } : { include: true, rule: -1 };
  }

  /** rclone's IncludeDirectory (without --exclude-if-present): the directory at `path`. */
  includeDirectory(path: string): FilterVerdict {
    if (this.invalid.length > 0) return { include: undefined, rule: this.invalid[0]!.rule };
    const name = `${forMatching(path).replace(/^\/+|\/+$/g, '')}/`;
    for (const rule of this.dirRules) {
      const verdict = judge(rule, name);
      if (verdict) return verdict;
    }
    return { include: true, rule: -1 };
  }

  /**
   * Whether a listing from the root gets to the entries of the directory holding `path`:
   * rclone lists below a directory only if it and every directory above it are included.
   */
  reaches(path: string): boolean | undefined {
    if (this.dirRules.length === 0 && this.invalid.length === 0) return true;
    let unknown = false;
    for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      const dir = path.slice(0, slash);
      let include = this.directories.get(dir);
      if (include === undefined) {
        include = this.includeDirectory(dir).include ?? null;
        this.directories.set(dir, include);
      }
      if (include === false) return false;
      if (include === null) unknown = true;
    }
    return unknown ? undefined : true;
  }
}

/** A rule's answer for `name`: undefined when it does not match; include undefined when it cannot tell. */
function judge(rule: Compiled, name: string): FilterVerdict | undefined {
  if (rule.regexp === undefined) return { include: undefined, rule: rule.rule };
  return rule.regexp.test(name) ? { include: rule.include, rule: rule.rule } : undefined;
}
