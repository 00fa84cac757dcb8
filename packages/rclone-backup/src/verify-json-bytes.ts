// Pieces shared by verify's byte-level readers of rclone's and the ledger's JSON lines.

/** A line the byte reader leaves to the string one. */
export const FALLBACK = -1;

/** A path's bytes in the line read, and the size next to it. */
export interface SizedPath {
  pathStart: number;
  pathEnd: number;
  size: number;
}

/** An ASCII literal as bytes. */
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/**
 * Where the JSON integer `0|[1-9]\d{0,14}` at p ends (its value, exact as a double, put in
 * `into.value`), or -1: the numbers the string readers' regular expressions accept.
 */
export function wholeNumber(buf: Uint8Array, p: number, end: number, into: { value: number }): number {
  const start = p;
  let value = 0;
  for (let c = buf[p] as number; p < end && c >= 48 && c <= 57; c = buf[++p] as number) value = value * 10 + c - 48;
  if (p === start || p - start > 15 || (p - start > 1 && buf[start] === 48)) return -1;
  into.value = value;
  return p;
}
