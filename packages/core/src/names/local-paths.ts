// rclone's local backend reads names more leniently than it writes them: a `‛` that quotes
// nothing (as in `a‛b`) is read as itself, so the files `a‛b` and `a‛‛b` are both listed as
// the standard name `a‛‛b`, and rclone then opens (and `rclone copy` writes) `a‛‛b` only
// (rclone 1.60.1: such a file is listed but "no such file" to copy). localPathOf gives the
// name rclone writes; findLocalPaths finds the files that rclone listed under a standard
// path, for what rclone lists but never opens (special files it names in its log).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fsPath, nameFromBytes } from './name-bytes.js';
import { decodeName, LOCAL_ENCODING, localPathOf, STANDARD_ENCODING, toStandardName } from './rclone-encoding.js';

/** A `‛` the local decoding may have read from a lone quote: one not before what a quote escapes there (NUL, `/`, `‛`, `␀`, `／`). */
// eslint-disable-next-line no-control-regex
const LONE_QUOTE = /\u201b(?![\u0000/\u201b\u2400\uff0f])/;

/** True when a local name other than localPathOf(name) is listed by rclone as the standard name `name`. */
export function hasOtherLocalNames(standardName: string): boolean {
  return standardName.includes('\u201b') && LONE_QUOTE.test(decodeName(STANDARD_ENCODING, standardName));
}

/**
 * For each standard path, the relative local paths under `root` that rclone lists under it.
 * A path with no ambiguous segment maps to localPathOf(path) alone, unchecked (the caller
 * stats it); for an ambiguous segment the directory holding it is read (once per call) and
 * every entry rclone names that way is kept, so a path may map to none or to several.
 */
export async function findLocalPaths(root: string, standardPaths: Iterable<string>): Promise<Map<string, string[]>> {
  const listings = new Map<string, Promise<string[]>>();
  const list = (dir: string): Promise<string[]> => {
    let listing = listings.get(dir);
    if (!listing) {
      listing = readdir(fsPath(join(root, dir)), { encoding: 'buffer' }).then((names) => names.map(nameFromBytes), () => []);
      listings.set(dir, listing);
    }
    return listing;
  };
  const found = new Map<string, string[]>();
  for (const standardPath of standardPaths) {
    if (found.has(standardPath)) continue;
    let paths = [''];
    for (const segment of standardPath.split('/')) {
      const below = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);
      if (!hasOtherLocalNames(segment)) {
        const name = localPathOf(segment);
        paths = paths.map((dir) => below(dir, name));
        continue;
      }
      const next: string[] = [];
      for (const dir of paths) {
        for (const name of await list(dir)) if (toStandardName(LOCAL_ENCODING, name) === segment) next.push(below(dir, name));
      }
      paths = next;
    }
    found.set(standardPath, paths);
  }
  return found;
}
