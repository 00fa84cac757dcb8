import type { B2FileVersion } from '../b2/types.js';

/** One file name's versions, newest first, as B2 lists them. */
export interface FileHistory {
  fileName: string;
  versions: B2FileVersion[];
}

/**
 * Groups B2's version stream (sorted by name, newest first within a name) into one
 * history per name, holding only one file's versions in memory at a time.
 */
export async function* groupVersions(versions: AsyncIterable<B2FileVersion>): AsyncGenerator<FileHistory> {
  let current: FileHistory | undefined;
  for await (const version of versions) {
    if (current && current.fileName === version.fileName) {
      current.versions.push(version);
      continue;
    }
    if (current) yield current;
    current = { fileName: version.fileName, versions: [version] };
  }
  if (current) yield current;
}

/**
 * groupVersions over pages of versions: the histories each page completes, as one array
 * (a history running on past a page's end comes with the page that ends it). One
 * asynchronous step per page instead of one per version.
 */
export async function* groupVersionPages(pages: AsyncIterable<readonly B2FileVersion[]>): AsyncGenerator<FileHistory[]> {
  let current: FileHistory | undefined;
  for await (const page of pages) {
    const done: FileHistory[] = [];
    for (const version of page) {
      if (current && current.fileName === version.fileName) {
        current.versions.push(version);
        continue;
      }
      if (current) done.push(current);
      current = { fileName: version.fileName, versions: [version] };
    }
    if (done.length > 0) yield done;
  }
  if (current) yield [current];
}
