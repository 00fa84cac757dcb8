/** The exclude-list dialects: rclone's `--exclude-from`, rsync's `--exclude-from`, or plain paths. */
export const SYNTAXES = ['rclone', 'rsync', 'paths'] as const;
export type Syntax = (typeof SYNTAXES)[number];

/**
 * rclone globs: `* ? [ ] { } \` are special and a backslash escapes any of them. rclone
 * trims whitespace off each line of a filter file, so a trailing white-space character is
 * written as a one-character class (`[ ]`), which trimming cannot touch.
 */
function rcloneGlob(path: string): string {
  const escaped = path.replace(/[*?[\]{}\\]/g, '\\$&');
  const trailing = /\s+$/u.exec(escaped);
  if (!trailing) return escaped;
  return escaped.slice(0, trailing.index) + [...trailing[0]].map((c) => `[${c}]`).join('');
}

/**
 * rsync patterns: `* ? [` make a wildcard pattern, and only in a wildcard pattern does a
 * backslash escape (rsync(1), "a backslash … is only interpreted as an escape character if
 * at least one wildcard character is present"). A name without them is written as is.
 */
function rsyncPattern(path: string): string {
  return /[*?[]/.test(path) ? path.replace(/[*?[\\]/g, '\\$&') : path;
}

/** One exclude rule for PATH (absolute, relative to the backup's root, so anchored). */
export function excludeRule(path: string, syntax: Syntax): string {
  if (syntax === 'rclone') return rcloneGlob(path);
  if (syntax === 'rsync') return rsyncPattern(path);
  return path;
}
