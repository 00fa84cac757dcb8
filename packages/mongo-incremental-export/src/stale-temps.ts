import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_PREFIX } from './checksums-file.js';
import { META_NAME } from './collection-meta.js';
import { isMissing } from './tree.js';

/**
 * Deletes the temporary files a killed run left in a collection directory (a checksums
 * file or collection.json being replaced), which would otherwise stay, and be backed up,
 * forever. Only the directory's own entries are read, and nothing is written when there
 * are none; called under the lock, so no live run owns them.
 */
export async function removeStaleTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const name of names) {
    if (name.startsWith(`${TEMP_PREFIX}.`) || name.startsWith(`${META_NAME}.tmp.`)) await rm(join(dir, name), { force: true });
  }
}
