// A small in-memory B2Api for fast in-process tests of the command's logic (the
// end-to-end tests use the real emulator and rclone).
import type { B2Api, B2Bucket, B2Download, B2FileVersion, ListVersionsOptions, TransactionCounts } from '@rclone-b2/core';

const cmp = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export class FakeB2 implements B2Api {
  readonly transactions: TransactionCounts = { A: 0, B: 0, C: 0 };
  versions: B2FileVersion[] = [];
  /** fileIds whose deletion fails. */
  failing = new Set<string>();
  deleteCalls: string[] = [];
  private id = 0;

  add(fileName: string, action: B2FileVersion['action'], uploadTimestamp: number, size = 100): B2FileVersion {
    this.id += 1;
    const v: B2FileVersion = {
      fileId: `f${String(this.id).padStart(6, '0')}`,
      fileName,
      action,
      contentLength: action === 'upload' ? size : 0,
      contentSha1: null,
      contentType: null,
      uploadTimestamp,
      fileInfo: {},
    };
    this.versions.push(v);
    return v;
  }

  private sorted(): B2FileVersion[] {
    return [...this.versions].sort((a, b) => cmp(a.fileName, b.fileName) || b.uploadTimestamp - a.uploadTimestamp);
  }

  async getBucket(bucketName: string): Promise<B2Bucket> {
    this.transactions.C += 1;
    return { bucketId: 'bucket1', bucketName, bucketType: 'allPrivate' };
  }

  async *listFileVersions(_bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    const pageSize = options.pageSize ?? 1000;
    const all = this.sorted().filter((v) => v.fileName.startsWith(options.prefix ?? '') && (!options.startFileName || cmp(v.fileName, options.startFileName) >= 0));
    for (let i = 0; i < all.length || i === 0; i += pageSize) {
      this.transactions.C += Math.max(1, Math.ceil(Math.min(pageSize, all.length - i) / 1000));
      for (const v of all.slice(i, i + pageSize)) yield { ...v };
    }
  }

  async *listFileNames(): AsyncGenerator<B2FileVersion> {
    throw new Error('not used');
  }

  async hideFile(): Promise<B2FileVersion> {
    throw new Error('not used');
  }

  async deleteFileVersion(fileName: string, fileId: string): Promise<void> {
    this.transactions.A += 1;
    this.deleteCalls.push(fileId);
    if (this.failing.has(fileId)) throw Object.assign(new Error('injected failure'), { status: 500 });
    const index = this.versions.findIndex((v) => v.fileId === fileId && v.fileName === fileName);
    if (index < 0) throw Object.assign(new Error(`File not present: ${fileName} ${fileId}`), { code: 'file_not_present', status: 400 });
    this.versions.splice(index, 1);
  }

  async getFileInfo(): Promise<B2FileVersion> {
    throw new Error('not used');
  }

  async downloadFileById(): Promise<B2Download> {
    throw new Error('not used');
  }

  async *listUnfinishedLargeFiles(_bucketId: string, options: { namePrefix?: string } = {}): AsyncGenerator<B2FileVersion> {
    this.transactions.C += 1;
    for (const v of this.versions.filter((x) => x.action === 'start' && x.fileName.startsWith(options.namePrefix ?? ''))) yield { ...v };
  }

  async cancelLargeFile(fileId: string): Promise<void> {
    this.transactions.A += 1;
    this.versions = this.versions.filter((v) => v.fileId !== fileId);
  }
}
