import type { Policy } from './grammar.js';

/** `[paths] pattern = policy`; `where` is `file:line` for messages. */
export interface PathRule {
  pattern: string;
  policy: Policy;
  where: string;
}

export interface PolicyChoice {
  policy: Policy;
  /** The rule that matched; undefined when the default policy applies. */
  rule?: PathRule;
}

const GLOB_CHARS = /[*?[]/;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/**
 * A glob as a regular expression matching the *start* of a path. `*` matches any run of
 * characters including `/` (so `*\/.git/` finds .git directories at any depth), `?` one
 * character, `[abc]`/`[!abc]` a class. A glob ending in `/` or `*` matches any path that
 * starts like it; otherwise it must end at the end of the path or at a `/`
 * (`*.iso` matches `a/b.iso` and `b.iso/x`, not `b.isos`).
 */
export function globToRegExp(glob: string): RegExp {
  let body = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '*') body += '.*';
    else if (c === '?') body += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        body += '\\[';
        continue;
      }
      let inner = glob.slice(i + 1, close);
      if (inner.startsWith('!')) inner = `^${inner.slice(1)}`;
      body += `[${inner.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else body += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  const open = glob.endsWith('/') || glob.endsWith('*');
  return new RegExp(`^${body}${open ? '' : '(?:/|$)'}`, 's');
}

/**
 * Chooses a path's policy: plain prefixes first (longest first, plain string prefix of
 * the decrypted path), then globs in the order written; no match → the fallback.
 */
export class PathMatcher {
  private readonly prefixes: PathRule[];
  private readonly globs: { rule: PathRule; regex: RegExp }[];

  constructor(
    rules: readonly PathRule[],
    private readonly fallback: Policy,
  ) {
    this.prefixes = rules.filter((r) => !isGlob(r.pattern)).sort((a, b) => b.pattern.length - a.pattern.length);
    this.globs = rules.filter((r) => isGlob(r.pattern)).map((rule) => ({ rule, regex: globToRegExp(rule.pattern) }));
  }

  choose(path: string): PolicyChoice {
    for (const rule of this.prefixes) {
      if (path.startsWith(rule.pattern)) return { policy: rule.policy, rule };
    }
    for (const { rule, regex } of this.globs) {
      if (regex.test(path)) return { policy: rule.policy, rule };
    }
    return { policy: this.fallback };
  }
}
