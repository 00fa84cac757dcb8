// Where to cut a dense part of a bucket's key space so that several cursors share it.
// Names in one directory of an rclone-crypt remote are encrypted, so they spread evenly over
// their alphabet (base32hex 0-9a-v by default): treating the characters after the directory
// as digits of a fraction and cutting that fraction evenly gives ranges of similar size. The
// directory is the deepest one the last page stayed in (the common directory of its first
// name and the cursor); whatever follows that directory becomes one more range, cut in its
// turn when it proves dense. Cut points are ASCII, so they are valid UTF-8 and sort the same
// in JavaScript as in B2 (UTF-8 byte order); the caller still checks each one.

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';
const BASE64 = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const PRINTABLE = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
/** Digits of a name that are turned into its position (33^8 < 2^53: exact in a double). */
const DIGITS = 8;

/** The smallest alphabet that holds every character of `text` except '/'. */
function alphabetOf(text: string): string {
  for (const alphabet of [BASE32HEX, BASE64]) {
    let fits = true;
    for (const c of text) {
      if (c !== '/' && !alphabet.includes(c)) {
        fits = false;
        break;
      }
    }
    if (fits) return alphabet;
  }
  return PRINTABLE;
}

/** The digit a character counts as: its place in the alphabet, clamped for characters outside it. */
function digitOf(code: number, alphabet: string): number {
  let d = 0;
  while (d < alphabet.length && alphabet.charCodeAt(d) < code) d += 1;
  return d < alphabet.length && alphabet.charCodeAt(d) === code ? d : Math.max(0, d - (d === alphabet.length ? 1 : 0));
}

/** Position in [0, 1) of `name` (which starts with `dir`) among the names below `dir`. */
function positionOf(name: string, dir: string, alphabet: string): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < DIGITS; i += 1) {
    scale /= alphabet.length;
    const at = dir.length + i;
    if (at >= name.length) break;
    value += digitOf(name.charCodeAt(at), alphabet) * scale;
  }
  return value;
}

/** The name at `position` below `dir` (trailing lowest digits dropped). */
function nameAt(position: number, dir: string, alphabet: string): string {
  let text = '';
  let rest = position;
  for (let i = 0; i < DIGITS; i += 1) {
    rest *= alphabet.length;
    const d = Math.min(alphabet.length - 1, Math.floor(rest));
    rest -= d;
    text += alphabet[d]!;
  }
  let end = text.length;
  while (end > 0 && text[end - 1] === alphabet[0]) end -= 1;
  return dir + text.slice(0, end);
}

/** The deepest directory (ending in '/', at least `prefix`) that both names are in. */
function commonDirectory(a: string, b: string, prefix: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  const slash = a.lastIndexOf('/', i - 1);
  return slash + 1 > prefix.length ? a.slice(0, slash + 1) : prefix;
}

/**
 * Up to `parts - 1` increasing names that carve pieces of about `span` pages each off the
 * start of [cursor, stop) — names under `prefix`, stop undefined = the end of the prefix —
 * leaving the rest as the last piece. `hint` is the first name of the page that ended at the
 * cursor: a page spans [hint, cursor), so if names stay as dense in their directory, the
 * next pages are as wide. A piece never reaches past that directory: its end is a cut of its
 * own, and what follows it is the last piece. [] when there is nothing to cut.
 */
export function splitPoints(prefix: string, cursor: string, stop: string | undefined, hint: string, parts: number, span = 4): string[] {
  if (parts < 2 || !cursor.startsWith(prefix) || !hint.startsWith(prefix)) return [];
  const dir = commonDirectory(hint, cursor, prefix);
  const alphabet = alphabetOf(hint.slice(dir.length) + cursor.slice(dir.length));
  const here = positionOf(cursor, dir, alphabet);
  const width = here - positionOf(hint, dir, alphabet);
  const end = stop !== undefined && stop.startsWith(dir) ? positionOf(stop, dir, alphabet) : 1;
  const points: string[] = [];
  const add = (point: string): boolean => {
    if (point <= cursor || (points.length > 0 && point <= points[points.length - 1]!) || (stop !== undefined && point >= stop)) return false;
    points.push(point);
    return true;
  };
  for (let i = 1; width > 0 && points.length < parts - 1; i += 1) {
    const at = here + width * span * i;
    if (at >= end) break;
    add(nameAt(at, dir, alphabet));
  }
  // The rest of the listing after this directory is a piece of its own, and with slots to
  // spare it is cut evenly (by position under the prefix): nothing is known of its density yet.
  if (dir !== prefix && points.length < parts - 1) {
    const after = `${dir.slice(0, -1)}0`;
    if (add(after)) {
      const top = alphabetOf(cursor.slice(prefix.length));
      const low = positionOf(after, prefix, top);
      const high = stop !== undefined ? positionOf(stop, prefix, top) : 1;
      const pieces = parts - points.length;
      for (let i = 1; i < pieces; i += 1) add(nameAt(low + ((high - low) * i) / pieces, prefix, top));
    }
  }
  return points;
}
