/** Text for HTML content or a quoted attribute value: a file name can never become markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON to sit inside `<script type="application/json">`: `<` is written `\u003c`, so no
 * name (such as `</script><script>...`) can end the element; U+2028/2029 likewise, for
 * old parsers. JSON.parse reads the same string back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
