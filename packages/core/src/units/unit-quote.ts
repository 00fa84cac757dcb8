import { UsageError } from '../cli/errors.js';

/**
 * Quoting for the command lines in systemd units and cron files. Each function returns
 * text that the reader (systemd, cron + /bin/sh) turns back into exactly the given
 * string, or refuses the string with a message saying why it cannot be written there.
 * Node hands us paths as UTF-8 strings, decoding other bytes to U+FFFD: such a path is
 * already lost, so it is refused rather than written wrong.
 */
function checkUtf8(value: string, what: string): void {
  if (value.includes('\uFFFD')) throw new UsageError(`${what} ${JSON.stringify(value)} is not valid UTF-8 (or contains U+FFFD); rename it, or use a symlink with a UTF-8 name`);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** systemd's C-style escapes for what cannot stand literally inside a quoted word. */
function cEscape(value: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\\': '\\\\', '"': '\\"' };
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\x00-\x1f\x7f\\"]/g, (c) => named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Quotes only when needed, so ordinary paths read as they always did. */
const systemdWord = (escaped: string, raw: string): string => (/[\s"'\\;]|^$/.test(raw) || CONTROL.test(raw) ? `"${cEscape(escaped)}"` : escaped);

/**
 * The executable of ExecStart=. systemd expands `%` specifiers in it (so `%%`) but not `$`,
 * and refuses quotes, backslashes and control characters in an executable's name
 * whatever the quoting ("Executable name contains special characters").
 */
export function systemdExecutable(path: string): string {
  checkUtf8(path, 'the runner path');
  if (!path.startsWith('/')) throw new UsageError(`the runner path ${JSON.stringify(path)} must be absolute for a systemd unit`);
  if (/["'\\]/.test(path) || CONTROL.test(path)) {
    throw new UsageError(`systemd refuses an executable whose path contains quotes, backslashes or control characters: ${JSON.stringify(path)}; install the runner elsewhere or pass --bin with a plain path`);
  }
  return systemdWord(path.replace(/%/g, '%%'), path);
}

/** One argument of ExecStart=: `%%` for specifiers, `$$` for variables, C escapes inside quotes. */
export function systemdArgument(arg: string): string {
  checkUtf8(arg, 'the path');
  return systemdWord(arg.replace(/%/g, '%%').replace(/\$/g, '$$$$'), arg);
}

/** A /bin/sh word: bare when only safe characters, else single-quoted (`'` as `'\''`). */
export function shellWord(arg: string): string {
  checkUtf8(arg, 'the path');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A word of a crontab command. cron hands the command to /bin/sh after turning each
 * unescaped `%` into a newline (the rest becomes stdin) and `\%` into `%`; a backslash
 * before anything else is kept. So every `%` is written as `\%` outside the shell
 * quotes, where the character before it is always a quote, never a backslash. A crontab
 * entry is one line: a newline (or carriage return) cannot be written into one.
 */
export function cronWord(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new UsageError(`a crontab line cannot hold a path with a line break: ${JSON.stringify(arg)}; use the cron.daily script or systemd instead`);
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(arg)) return arg;
  return arg
    .split('%')
    .map((piece) => (piece === '' ? '' : shellWord(piece)))
    .join('\\%');
}
