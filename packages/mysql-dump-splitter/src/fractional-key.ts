// Order keys that always leave room between two neighbours ("fractional indexing").
// A piece keeps its key for as long as its content is unchanged, and a new piece gets
// a key between its neighbours' keys, so names never shift the way sequence numbers do,
// while plain byte order (LC_ALL=C) of the names still follows the dump order.

export const KEY_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A key strictly between a and b (a = '' means the start, b = null the end). */
export function keyBetween(a: string, b: string | null): string {
  if (b !== null && a >= b) throw new Error(`keyBetween: ${a} >= ${b}`);
  return midpoint(a, b);
}

function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let n = 0;
    while ((a[n] ?? '0') === b[n]) n += 1;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const digitA = a ? KEY_DIGITS.indexOf(a[0] as string) : 0;
  const digitB = b !== null ? KEY_DIGITS.indexOf(b[0] as string) : KEY_DIGITS.length;
  if (digitB - digitA > 1) return KEY_DIGITS[Math.round((digitA + digitB) / 2)] as string;
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return (KEY_DIGITS[digitA] as string) + midpoint(a.slice(1), null);
}

/** n increasing keys strictly between a and b, spread by bisection so they stay short. */
export function keysBetween(a: string, b: string | null, n: number): string[] {
  if (n <= 0) return [];
  const mid = keyBetween(a, b);
  const left = Math.floor((n - 1) / 2);
  return [...keysBetween(a, mid, left), mid, ...keysBetween(mid, b, n - 1 - left)];
}

/** Byte-order comparison that matches how `LC_ALL=C ls` sorts `KEY-label.sql` names. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
