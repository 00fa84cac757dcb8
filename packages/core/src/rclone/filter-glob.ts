/**
 * rclone 1.60.1's filter globs (fs/filter/glob.go) as JavaScript regular expressions. Go's
 * regexp and JavaScript's differ, so only what is known to mean the same in both is
 * translated; anything else (a `{{regexp}}`, an escape like `\d`, a class like `[[:alpha:]]`)
 * gives `unsupported`, and a glob rclone itself refuses gives `invalid`: a caller never
 * guesses what such a rule matches.
 *
 * Matching is against rclone's standard names with each byte that is not UTF-8 as U+FFFD
 * (Go's regexp reads such a byte as one U+FFFD), hence the `u` flag: `?` and `[^/]` take one
 * code point, as Go takes one rune.
 */
export type GlobResult = { regexp: string; literal?: string } | { problem: 'invalid' | 'unsupported'; reason: string };

/** Go reads `\\` before an ASCII character that is not a letter or digit as that character. */
const goSelfEscape = (c: string): boolean => c.length === 1 && c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c);
const JS_SYNTAX = /^[\^$\\.*+?()[\]{}|]$/;
/** A bracket expression whose meaning is the same in Go and in JavaScript's `u` mode. */
const PLAIN_CLASS = /^\^?[^[\]\\]+$/;
const GLOB_SPECIAL = /[*?[\]{}\\]/;

const jsLiteral = (c: string): string => (JS_SYNTAX.test(c) ? `\\${c}` : c);

/**
 * rclone's GlobToRegexp, anchored at the start (a leading `/`) or at any `/` boundary, whole
 * path to its end. `literal` is set for a glob without special characters: the exact name
 * it matches (anchored: the whole path; otherwise the path or any `/`-boundary suffix).
 */
export function globToRcloneRegExp(glob: string): GlobResult {
  let body = glob;
  let re = '';
  const anchored = body.startsWith('/');
  if (anchored) body = body.slice(1);
  re += anchored ? '^' : '(?:^|/)';
  if (!GLOB_SPECIAL.test(body)) {
    return { regexp: re + [...body].map(jsLiteral).join('') + '$', literal: body };
  }
  let stars = 0;
  let inBraces = false;
  let bracket: string | undefined; // the raw text of a [...] being read
  let depth = 0;
  let slashed = false;
  let last = '';
  let next = '';
  const flush = (): string | undefined => {
    if (stars === 1) re += '[^/]*';
    else if (stars === 2)
      re += '[^\\n]*'; // Go's `.` is every character but a newline
    else if (stars > 2) return `too many stars in ${JSON.stringify(glob)}`;
    stars = 0;
    return undefined;
  };
  // Inside a `{{regexp}}` (Go syntax, not read here): only where it ends matters.
  let regexpRule = false;
  let inRegexp = false;
  let inRegexpEnd = false;
  for (const c of body) {
    last = next;
    next = c;
    if (slashed) {
      slashed = false;
      // `\d`, `\pL`, `\x41`… are classes or codes in Go.
      if (!goSelfEscape(c)) return { problem: 'unsupported', reason: `the escape \\${c}` };
      re += jsLiteral(c);
      continue;
    }
    if (inRegexpEnd) {
      if (c === '}') continue;
      inRegexpEnd = false;
    }
    if (inRegexp) {
      if (c === '}' && last === '}') {
        inRegexp = false;
        inRegexpEnd = true;
      }
      continue;
    }
    if (c !== '*') {
      const error = flush();
      if (error) return { problem: 'invalid', reason: error };
    }
    if (bracket !== undefined) {
      if (c === '[') depth += 1;
      if (c === ']') depth -= 1;
      if (depth > 0) {
        bracket += c;
        continue;
      }
      // Go classes: `[!a]` is `!` or `a` (no negation), `[[:alpha:]]`, `\` escapes: only the
      // plain ones are read here.
      if (!PLAIN_CLASS.test(bracket)) return { problem: 'unsupported', reason: `the class [${bracket}]` };
      re += `[${bracket}]`;
      bracket = undefined;
      continue;
    }
    switch (c) {
      case '\\':
        slashed = true;
        break;
      case '*':
        stars += 1;
        break;
      case '?':
        re += '[^/]';
        break;
      case '[':
        bracket = '';
        depth = 1;
        break;
      case ']':
        return { problem: 'invalid', reason: `mismatched ']' in glob ${JSON.stringify(glob)}` };
      case '{':
        if (!inBraces) {
          inBraces = true;
          re += '(?:';
        } else if (last === '{') {
          inBraces = false;
          inRegexp = regexpRule = true;
        } else {
          return { problem: 'invalid', reason: `can't nest '{' '}' in glob ${JSON.stringify(glob)}` };
        }
        break;
      case '}':
        if (!inBraces) return { problem: 'invalid', reason: `mismatched '{' and '}' in glob ${JSON.stringify(glob)}` };
        re += ')';
        inBraces = false;
        break;
      case ',':
        re += inBraces ? '|' : ',';
        break;
      default:
        re += jsLiteral(c);
    }
  }
  const error = flush();
  if (error) return { problem: 'invalid', reason: error };
  // A trailing `\` escapes the `$` that ends rclone's expression: a pattern no one means.
  if (slashed) return { problem: 'unsupported', reason: 'a glob ending in \\' };
  if (bracket !== undefined) return { problem: 'invalid', reason: `mismatched '[' and ']' in glob ${JSON.stringify(glob)}` };
  if (inBraces) return { problem: 'invalid', reason: `mismatched '{' and '}' in glob ${JSON.stringify(glob)}` };
  if (inRegexp) return { problem: 'invalid', reason: `mismatched '{{' and '}}' in glob ${JSON.stringify(glob)}` };
  if (regexpRule) return { problem: 'unsupported', reason: 'a {{regexp}}' };
  try {
    new RegExp(re + '$', 'u');
  } catch (error) {
    return { problem: 'invalid', reason: `bad glob pattern ${JSON.stringify(glob)}: ${(error as Error).message}` };
  }
  return { regexp: re + '$' };
}

/** Globs that make rclone give up on deriving directory rules (`/` or `**` inside braces, `{{`, `}}`). */
const TOO_HARD = /(\{[^{}]*(\*\*|\/)[^{}]*\})|\{\{|\}\}/;

/**
 * rclone's globToDirGlobs: the directory globs (each ending in `/`) that a file glob needs
 * its directories to pass, so that `+ photos/*.jpg` lets rclone into `photos/`.
 */
export function globToDirGlobs(glob: string): string[] {
  const out: string[] = [];
  if (TOO_HARD.test(glob)) return ['/**'];
  let rest = glob.replace(/\/{2,}/g, '/');
  for (;;) {
    let i = rest.lastIndexOf('/');
    const j = rest.lastIndexOf('**');
    let what = '';
    if (j > i) {
      i = j;
      what = '**';
    }
    if (i < 0) {
      if (out.length === 0) out.push('/**');
      break;
    }
    rest = rest.slice(0, i);
    const dirGlob = `${rest}${what}/`;
    if (out.length === 0 || out[out.length - 1] !== dirGlob) out.push(dirGlob);
  }
  return out;
}
