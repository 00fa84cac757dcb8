import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '@rclone-b2/core';
import { CHECKSUMS_NAME, JOURNAL_NAME, TEMP_PREFIX } from './checksums-file.js';
import { META_NAME } from './collection-meta.js';
import { DOCUMENT_SUFFIX, documentPath } from './id-key.js';
import { pruneEmptyDirectories, walkDirectoriesBottomUp, walkFiles } from './tree.js';

/**
 * --repair: deletes every file in a collection directory that is not the expected file of
 * a current document (or the checksums/journal), then removes empty directories.
 */
export async function removeStrays(dir: string, label: string, current: ReadonlyMap<string, string>, dryRun: boolean, log: Logger): Promise<number> {
  let strays = 0;
  for await (const rel of walkFiles(dir)) {
    if (rel === CHECKSUMS_NAME || rel === JOURNAL_NAME || rel === META_NAME) continue;
    const name = basename(rel);
    const key = name.endsWith(DOCUMENT_SUFFIX) ? name.slice(0, -DOCUMENT_SUFFIX.length) : undefined;
    if (key !== undefined && current.has(key) && documentPath(key) === rel) continue;
    strays += 1;
    if (dryRun) {
      log.notice(`would delete stray ${label}/${rel}`);
    } else {
      await rm(join(dir, rel), { force: true });
      if (!rel.startsWith(TEMP_PREFIX)) log.info(`deleted stray ${label}/${rel}`);
    }
  }
  if (!dryRun) {
    for await (const rel of walkDirectoriesBottomUp(dir)) await pruneEmptyDirectories(join(dir, rel), dir);
  }
  return strays;
}
