import type { PackageFile } from './dpkg-files.js';

/** One installed package as a database reports it: the names it answers to and its files with digests. */
export interface InstalledFiles {
  /** `name` and `name:arch` (dpkg) or `name.arch` (rpm): what --package may say. */
  names: string[];
  /** Paths as installed (after dpkg diversions), before directory links are resolved. */
  files: PackageFile[];
  hasChecksums: boolean;
}

export const DATABASES = ['auto', 'dpkg', 'rpm'] as const;
export type Database = (typeof DATABASES)[number];
