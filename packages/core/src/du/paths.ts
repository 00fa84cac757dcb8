import type { DuDir } from './tree.js';

/** Joins a child name to its parent's path ('' is the listing root, '/' the filesystem root). */
export function joinPath(parent: string, name: string): string {
  if (parent === '') return name;
  if (parent === '/') return `/${name}`;
  return `${parent}/${name}`;
}

/** A directory's full path ('' for the root), cached on the node. */
export function pathOf(dir: DuDir): string {
  if (dir.parent === null) return '';
  return (dir.path ??= joinPath(pathOf(dir.parent), dir.name));
}

/** A directory's path followed by `/` (or '' for the root), the start of its children's paths. */
export function prefixOf(dir: DuDir): string {
  if (dir.prefix !== undefined) return dir.prefix;
  const path = pathOf(dir);
  return (dir.prefix = path === '' || path === '/' ? path : `${path}/`);
}
