import { afterPrefix, compareNames } from './names.js';
import type { StoredVersion } from './model.js';
import { lowerBound, type Store } from './store.js';

export interface ListRequest {
  bucketId: string;
  startFileName?: string;
  startFileId?: string;
  maxFileCount: number;
  prefix: string;
  delimiter?: string;
}

/** A listing entry: a stored version, or a `folder` produced by the delimiter. */
export type ListEntry = { kind: 'version'; version: StoredVersion } | { kind: 'folder'; fileName: string };

export interface ListResult {
  entries: ListEntry[];
  nextFileName: string | null;
  nextFileId: string | null;
}

function folderOf(name: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const k = name.indexOf(delimiter, prefix.length);
  return k < 0 ? undefined : name.slice(0, k + delimiter.length);
}

/** The version list_file_names shows for a name: the newest upload, unless hidden. */
export function currentVersion(versions: readonly StoredVersion[]): StoredVersion | undefined {
  for (const v of versions) {
    if (v.action === 'start') continue;
    return v.action === 'upload' ? v : undefined;
  }
  return undefined;
}

/**
 * b2_list_file_versions (allVersions) or b2_list_file_names: names in UTF-8 byte order,
 * versions newest first, folders collapsed, paging by (startFileName, startFileId).
 */
export function list(store: Store, req: ListRequest, allVersions: boolean): ListResult {
  const { sorted, names } = store.view(req.bucketId);
  const start = req.startFileName ?? '';
  const from = compareNames(start, req.prefix) > 0 ? start : req.prefix;
  let i = lowerBound(sorted, from);
  const entries: ListEntry[] = [];
  while (i < sorted.length) {
    const name = sorted[i] as string;
    if (!name.startsWith(req.prefix)) break;
    const versions = names.get(name) ?? [];
    const folder = folderOf(name, req.prefix, req.delimiter);
    if (folder !== undefined) {
      const end = lowerBound(sorted, afterPrefix(folder));
      let visible = allVersions;
      for (let k = i; !visible && k < end; k++) visible = currentVersion(names.get(sorted[k] as string) ?? []) !== undefined;
      if (visible) {
        if (entries.length >= req.maxFileCount) return next(entries, name, null);
        entries.push({ kind: 'folder', fileName: folder });
      }
      i = end;
      continue;
    }
    if (allVersions) {
      let j = name === start && req.startFileId ? store.positionOf(req.bucketId, name, req.startFileId) : 0;
      for (; j < versions.length; j++) {
        const v = versions[j] as StoredVersion;
        if (entries.length >= req.maxFileCount) return next(entries, name, v.fileId);
        entries.push({ kind: 'version', version: v });
      }
    } else {
      const current = currentVersion(versions);
      if (current) {
        if (entries.length >= req.maxFileCount) return next(entries, name, null);
        entries.push({ kind: 'version', version: current });
      }
    }
    i++;
  }
  return next(entries, null, null);
}

function next(entries: ListEntry[], nextFileName: string | null, nextFileId: string | null): ListResult {
  return { entries, nextFileName, nextFileId };
}
