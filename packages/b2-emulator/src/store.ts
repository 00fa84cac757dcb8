import { randomBytes } from 'node:crypto';
import type { BlobStore, Journal } from './blobs.js';
import { B2ApiError, badRequest } from './errors.js';
import { compareNames } from './names.js';
import {
  makeFileId,
  parseFileId,
  versionOrder,
  type LifecycleRule,
  type StoredBucket,
  type StoredPart,
  type StoredVersion,
} from './model.js';

interface BucketState {
  bucket: StoredBucket;
  /** Versions per name, newest first. */
  names: Map<string, StoredVersion[]>;
  /** All names with at least one version, in B2 order. */
  sorted: string[];
}

/** Index of the first element ≥ key. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(sorted[mid] as string, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type JournalEntry =
  | { op: 'bucket'; bucket: StoredBucket }
  | { op: 'dropBucket'; bucketId: string }
  | { op: 'put'; version: StoredVersion }
  | { op: 'del'; fileId: string }
  | { op: 'part'; fileId: string; part: StoredPart }
  | { op: 'dropParts'; fileId: string };

/** Buckets, versions and large-file parts; every change is journaled when persistent. */
export class Store {
  private readonly buckets = new Map<string, BucketState>();
  private readonly byId = new Map<string, StoredVersion>();
  private readonly parts = new Map<string, Map<number, StoredPart>>();
  private seq = 1;
  private replaying = false;

  constructor(
    readonly blobs: BlobStore,
    private readonly journal: Journal,
  ) {
    this.replaying = true;
    for (const entry of journal.replay() as JournalEntry[]) this.apply(entry);
    this.replaying = false;
  }

  private record(entry: JournalEntry): void {
    this.apply(entry);
    if (!this.replaying) this.journal.append(entry);
  }

  private apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'bucket': {
        const existing = this.buckets.get(entry.bucket.bucketId);
        if (existing) existing.bucket = entry.bucket;
        else this.buckets.set(entry.bucket.bucketId, { bucket: entry.bucket, names: new Map(), sorted: [] });
        break;
      }
      case 'dropBucket':
        this.buckets.delete(entry.bucketId);
        break;
      case 'put':
        this.insert(entry.version);
        this.seq = Math.max(this.seq, entry.version.seq + 1);
        break;
      case 'del':
        this.remove(entry.fileId);
        break;
      case 'part': {
        let parts = this.parts.get(entry.fileId);
        if (!parts) this.parts.set(entry.fileId, (parts = new Map()));
        parts.set(entry.part.partNumber, entry.part);
        break;
      }
      case 'dropParts':
        this.parts.delete(entry.fileId);
        break;
    }
  }

  private insert(version: StoredVersion): void {
    const state = this.buckets.get(version.bucketId);
    if (!state) return;
    const old = this.byId.get(version.fileId);
    if (old) this.remove(old.fileId);
    let list = state.names.get(version.fileName);
    if (!list) {
      list = [];
      state.names.set(version.fileName, list);
      const last = state.sorted[state.sorted.length - 1];
      if (last === undefined || compareNames(last, version.fileName) < 0) state.sorted.push(version.fileName);
      else state.sorted.splice(lowerBound(state.sorted, version.fileName), 0, version.fileName);
    }
    let i = 0;
    while (i < list.length && versionOrder(list[i] as StoredVersion, version) < 0) i++;
    list.splice(i, 0, version);
    this.byId.set(version.fileId, version);
  }

  private remove(fileId: string): StoredVersion | undefined {
    const version = this.byId.get(fileId);
    if (!version) return undefined;
    this.byId.delete(fileId);
    const state = this.buckets.get(version.bucketId);
    const list = state?.names.get(version.fileName);
    if (!state || !list) return version;
    const i = list.indexOf(version);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) {
      state.names.delete(version.fileName);
      const at = lowerBound(state.sorted, version.fileName);
      if (state.sorted[at] === version.fileName) state.sorted.splice(at, 1);
    }
    return version;
  }

  // ---- buckets ----

  listBuckets(): StoredBucket[] {
    return [...this.buckets.values()].map((s) => s.bucket);
  }

  bucketById(bucketId: string): StoredBucket {
    const state = this.buckets.get(bucketId);
    if (!state) throw new B2ApiError(400, 'bad_bucket_id', `Invalid bucketId: ${bucketId}`);
    return state.bucket;
  }

  bucketByName(name: string): StoredBucket | undefined {
    for (const s of this.buckets.values()) if (s.bucket.bucketName === name) return s.bucket;
    return undefined;
  }

  createBucket(bucketName: string, bucketType: string, bucketInfo: Record<string, string>, lifecycleRules: LifecycleRule[]): StoredBucket {
    if (!/^[A-Za-z0-9-]{6,63}$/.test(bucketName) || bucketName.startsWith('b2-')) {
      throw badRequest(`Invalid bucket name: ${bucketName}`);
    }
    if (this.bucketByName(bucketName)) throw new B2ApiError(400, 'duplicate_bucket_name', 'Bucket name is already in use.');
    const bucket: StoredBucket = { bucketId: randomBytes(12).toString('hex'), bucketName, bucketType, bucketInfo, lifecycleRules, revision: 1 };
    this.record({ op: 'bucket', bucket });
    return bucket;
  }

  updateBucket(bucket: StoredBucket): StoredBucket {
    const updated = { ...bucket, revision: bucket.revision + 1 };
    this.record({ op: 'bucket', bucket: updated });
    return updated;
  }

  deleteBucket(bucketId: string): StoredBucket {
    const state = this.buckets.get(bucketId);
    if (!state) throw new B2ApiError(400, 'bad_bucket_id', `Invalid bucketId: ${bucketId}`);
    if (state.sorted.length > 0) throw new B2ApiError(400, 'cannot_delete_non_empty_bucket', 'Cannot delete non-empty bucket');
    this.record({ op: 'dropBucket', bucketId });
    return state.bucket;
  }

  // ---- versions ----

  /** Sorted names and per-name versions of a bucket, for the listings. */
  view(bucketId: string): { sorted: readonly string[]; names: ReadonlyMap<string, readonly StoredVersion[]> } {
    const state = this.buckets.get(bucketId);
    if (!state) throw new B2ApiError(400, 'bad_bucket_id', `Invalid bucketId: ${bucketId}`);
    return state;
  }

  versionsOf(bucketId: string, fileName: string): readonly StoredVersion[] {
    return this.buckets.get(bucketId)?.names.get(fileName) ?? [];
  }

  get(fileId: string): StoredVersion | undefined {
    return this.byId.get(fileId);
  }

  /** Adds a new version (contents, if any, already stored in blobs under its fileId). */
  addVersion(fields: Omit<StoredVersion, 'fileId' | 'seq'>, data?: Buffer): StoredVersion {
    const seq = this.seq++;
    const version: StoredVersion = { ...fields, fileId: makeFileId(fields.bucketId, seq, fields.uploadTimestamp), seq };
    if (data) this.blobs.put(version.fileId, data);
    this.record({ op: 'put', version });
    return version;
  }

  /** Replaces a version in place (e.g. a finished large file keeps its id). */
  replaceVersion(version: StoredVersion): void {
    this.record({ op: 'put', version });
  }

  deleteVersion(fileId: string): StoredVersion | undefined {
    const version = this.byId.get(fileId);
    if (!version) return undefined;
    this.record({ op: 'del', fileId });
    this.blobs.delete(fileId);
    const parts = this.parts.get(fileId);
    if (parts) for (const n of parts.keys()) this.blobs.delete(`${fileId}.part${n}`);
    this.parts.delete(fileId);
    return version;
  }

  /** Where a version (possibly deleted) sits in its name's newest-first list. */
  positionOf(bucketId: string, fileName: string, fileId: string): number {
    const list = this.versionsOf(bucketId, fileName);
    const found = list.findIndex((v) => v.fileId === fileId);
    if (found >= 0) return found;
    const key = parseFileId(fileId);
    if (!key) return 0;
    const after = list.findIndex((v) => versionOrder(key, v) < 0);
    return after < 0 ? list.length : after;
  }

  // ---- large-file parts ----

  putPart(fileId: string, part: StoredPart, data: Buffer): void {
    this.blobs.put(`${fileId}.part${part.partNumber}`, data);
    this.record({ op: 'part', fileId, part });
  }

  partsOf(fileId: string): StoredPart[] {
    return [...(this.parts.get(fileId)?.values() ?? [])].sort((a, b) => a.partNumber - b.partNumber);
  }

  /** Forgets a large file's parts after it was finished into one blob. */
  dropParts(fileId: string): void {
    for (const part of this.partsOf(fileId)) this.blobs.delete(`${fileId}.part${part.partNumber}`);
    this.record({ op: 'dropParts', fileId });
  }

  /** Every unfinished large file of a bucket, oldest first. */
  unfinished(bucketId: string): StoredVersion[] {
    const out: StoredVersion[] = [];
    for (const v of this.byId.values()) if (v.bucketId === bucketId && v.action === 'start') out.push(v);
    return out.sort((a, b) => a.uploadTimestamp - b.uploadTimestamp || a.seq - b.seq);
  }
}
