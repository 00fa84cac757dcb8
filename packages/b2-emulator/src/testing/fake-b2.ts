// In-memory stand-ins for B2 and the crypt codec, for unit tests of the tool logic. The fake
// follows the real API where tools can tell the difference (a fake that disagrees hides bugs):
// failures are B2Errors carrying B2's `code`, names sort by UTF-8 bytes, listings are paged and
// billed like the real client, and unfinished large files ('start') are listed as B2 lists them.
import { createHash } from 'node:crypto';
import { PassThrough, Readable, type Transform } from 'node:stream';
import { B2Error, billedTransactions, lockReason, transactionClass } from '@rclone-b2/core';
import type { B2Api, B2Bucket, B2Download, B2FileVersion, ListVersionsOptions, NameCipher, TransactionCounts } from '@rclone-b2/core';

/** Hex-encodes every segment: reversible, and order in B2 differs from plain order. */
export const hexNames: NameCipher = {
  encryptPath: (p) => p.split('/').map((s) => Buffer.from(s).toString('hex')).join('/'),
  encryptDirPath: (p) => p.split('/').map((s) => Buffer.from(s).toString('hex')).join('/'),
  decryptPath: (p) =>
    p
      .split('/')
      .map((s) => {
        if (!/^([0-9a-f]{2})+$/.test(s)) throw new Error(`bad segment ${s}`);
        return Buffer.from(s, 'hex').toString();
      })
      .join('/'),
};

/** B2 orders names by their UTF-8 bytes, not by UTF-16 code units as `<` does. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class FakeB2 implements B2Api {
  readonly transactions: TransactionCounts = { A: 0, B: 0, C: 0 };
  readonly versions: B2FileVersion[] = [];
  readonly blobs = new Map<string, Buffer>();
  /** fileIds of every deletion attempted, in call order (failed ones included). */
  readonly deleteCalls: string[] = [];
  /** fileIds whose deletion fails with a 500, as a server error would. */
  readonly failDeleteOf = new Set<string>();
  now = Date.UTC(2024, 0, 1);
  private nextId = 1;

  private add(fileName: string, action: B2FileVersion['action'], at: number, bytes?: Buffer, fileInfo: Record<string, string> = {}): B2FileVersion {
    const version: B2FileVersion = {
      // Zero-padded so that ids sort in creation order, as tie-breaks below need.
      fileId: `id${String(this.nextId++).padStart(6, '0')}`,
      fileName,
      action,
      contentLength: bytes?.length ?? 0,
      contentSha1: bytes ? createHash('sha1').update(bytes).digest('hex') : null,
      contentType: bytes ? 'application/octet-stream' : null,
      uploadTimestamp: at,
      fileInfo,
    };
    this.versions.push(version);
    if (bytes) this.blobs.set(version.fileId, bytes);
    return version;
  }

  upload(fileName: string, content: Buffer | string, fileInfo: Record<string, string> = {}, at = this.now): B2FileVersion {
    return this.add(fileName, 'upload', at, Buffer.from(content), fileInfo);
  }

  hide(fileName: string, at = this.now): B2FileVersion {
    return this.add(fileName, 'hide', at);
  }

  /** An unfinished large file (started, never finished or cancelled). */
  start(fileName: string, at = this.now): B2FileVersion {
    return this.add(fileName, 'start', at);
  }

  /** Every version in B2's listing order: name (UTF-8 bytes), then newest first. */
  sorted(): B2FileVersion[] {
    return [...this.versions].sort(
      (a, b) => byBytes(a.fileName, b.fileName) || b.uploadTimestamp - a.uploadTimestamp || byBytes(b.fileId, a.fileId),
    );
  }

  private count(call: string, entries?: number): void {
    this.transactions[transactionClass(call)] += billedTransactions(call, entries);
  }

  /** Yields `entries` a page at a time, billing each page as the real client does. */
  private async *paged(call: 'b2_list_file_names' | 'b2_list_file_versions', entries: B2FileVersion[], pageSize = 1000): AsyncGenerator<B2FileVersion> {
    for (let i = 0; i < entries.length || i === 0; i += pageSize) {
      const page = entries.slice(i, i + pageSize);
      this.count(call, page.length);
      for (const v of page) yield { ...v };
    }
  }

  private listed(options: ListVersionsOptions): B2FileVersion[] {
    return this.sorted().filter(
      (v) => v.fileName.startsWith(options.prefix ?? '') && (!options.startFileName || byBytes(v.fileName, options.startFileName) >= 0),
    );
  }

  async getBucket(bucketName: string): Promise<B2Bucket> {
    this.count('b2_list_buckets');
    return { bucketId: 'b1', bucketName, bucketType: 'allPrivate' };
  }

  listFileVersions(_bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    return this.paged('b2_list_file_versions', this.listed(options), options.pageSize);
  }

  /** The newest finished version of each name, when it is an upload (a hidden file is not listed). */
  listFileNames(_bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    const seen = new Set<string>();
    const names = this.listed(options).filter((v) => {
      if (v.action === 'start' || seen.has(v.fileName)) return false;
      seen.add(v.fileName);
      return v.action === 'upload';
    });
    return this.paged('b2_list_file_names', names, options.pageSize);
  }

  async hideFile(_bucketId: string, fileName: string): Promise<B2FileVersion> {
    this.count('b2_hide_file');
    return { ...this.hide(fileName) };
  }

  async deleteFileVersion(fileName: string, fileId: string): Promise<void> {
    this.count('b2_delete_file_version');
    this.deleteCalls.push(fileId);
    if (this.failDeleteOf.has(fileId)) throw new B2Error('b2_delete_file_version', 500, 'internal_error', `injected failure deleting ${fileId}`);
    const index = this.versions.findIndex((v) => v.fileId === fileId && v.fileName === fileName);
    if (index < 0) throw new B2Error('b2_delete_file_version', 400, 'file_not_present', `File not present: ${fileName} ${fileId}`);
    const locked = lockReason(this.versions[index] as B2FileVersion, this.now);
    if (locked) throw new B2Error('b2_delete_file_version', 403, 'access_denied', `Cannot delete file version of ${fileName}: ${locked}`);
    this.versions.splice(index, 1);
    this.blobs.delete(fileId);
  }

  private find(call: string, fileId: string): B2FileVersion {
    const v = this.versions.find((x) => x.fileId === fileId);
    if (!v) throw new B2Error(call, 404, 'not_found', `file not found: ${fileId}`);
    return v;
  }

  async getFileInfo(fileId: string): Promise<B2FileVersion> {
    this.count('b2_get_file_info');
    return { ...this.find('b2_get_file_info', fileId) };
  }

  async downloadFileById(fileId: string): Promise<B2Download> {
    this.count('b2_download_file_by_id');
    const v = this.find('b2_download_file_by_id', fileId);
    const bytes = this.blobs.get(fileId) ?? Buffer.alloc(0);
    return {
      stream: Readable.from([bytes]),
      contentLength: bytes.length,
      contentSha1: v.contentSha1,
      fileName: v.fileName,
      fileInfo: v.fileInfo,
      uploadTimestamp: v.uploadTimestamp,
    };
  }

  async *listUnfinishedLargeFiles(_bucketId: string, options: { namePrefix?: string } = {}): AsyncGenerator<B2FileVersion> {
    this.count('b2_list_unfinished_large_files');
    for (const v of this.versions.filter((x) => x.action === 'start' && x.fileName.startsWith(options.namePrefix ?? ''))) yield { ...v };
  }

  async cancelLargeFile(fileId: string): Promise<void> {
    this.count('b2_cancel_large_file');
    const index = this.versions.findIndex((v) => v.fileId === fileId && v.action === 'start');
    if (index < 0) throw new B2Error('b2_cancel_large_file', 400, 'bad_request', `no such unfinished large file: ${fileId}`);
    this.versions.splice(index, 1);
  }
}

/** A content "cipher" that passes bytes through (the real one is tested in core). */
export const identityContent = {
  decryptStream: (): Transform => new PassThrough(),
  encryptStream: (): Transform => new PassThrough(),
};
