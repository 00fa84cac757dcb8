/**
 * User input echoed in a message must not act on the terminal (a binary line could carry
 * escape sequences that retitle the window or hide text) nor flood it. Control characters
 * (C0, DEL, C1), bidirectional overrides and invalid-UTF-8 replacement characters become
 * visible escapes, and anything past `maxLength` characters is cut with `…`.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\', '"': '\\"' };
const QUOTED = new RegExp(`["\\\\]|${UNSAFE.source}`, 'gu');

const escapeChar = (c: string): string => {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
};

function cut(text: string, maxLength: number): { head: string; cut: boolean } {
  if (text.length <= maxLength) return { head: text, cut: false };
  const chars = Array.from(text);
  return chars.length > maxLength ? { head: chars.slice(0, maxLength).join(''), cut: true } : { head: text, cut: false };
}

/** The text with unsafe characters escaped and cut to `maxLength` characters; no quotes added. */
export function escapeForMessage(text: string, maxLength = 200): string {
  const part = cut(text, maxLength);
  return `${part.head.replace(UNSAFE, escapeChar)}${part.cut ? '…' : ''}`;
}

/** `"text"` for a message, escaped (`"` and `\` too) and cut as escapeForMessage does. */
export function quoteForMessage(text: string, maxLength = 200): string {
  const part = cut(text, maxLength);
  return `"${part.head.replace(QUOTED, escapeChar)}"${part.cut ? '…' : ''}`;
}
