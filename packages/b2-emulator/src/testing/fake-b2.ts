// In-memory stand-ins for B2 and the crypt codec, for unit tests of the tool logic.
import { createHash } from 'node:crypto';
import { PassThrough, Readable, type Transform } from 'node:stream';
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

export class FakeB2 implements B2Api {
  readonly transactions: TransactionCounts = { A: 0, B: 0, C: 0 };
  readonly versions: B2FileVersion[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly deleted: string[] = [];
  private nextId = 1;
  now = Date.UTC(2024, 0, 1);
  failDeleteOf = new Set<string>();

  upload(fileName: string, content: Buffer | string, fileInfo: Record<string, string> = {}, at = this.now): B2FileVersion {
    const bytes = Buffer.from(content);
    const version: B2FileVersion = {
      fileId: `id${this.nextId++}`,
      fileName,
      action: 'upload',
      contentLength: bytes.length,
      contentSha1: createHash('sha1').update(bytes).digest('hex'),
      contentType: 'application/octet-stream',
      uploadTimestamp: at,
      fileInfo,
    };
    this.versions.push(version);
    this.blobs.set(version.fileId, bytes);
    return version;
  }

  hide(fileName: string, at = this.now): B2FileVersion {
    const version: B2FileVersion = {
      fileId: `id${this.nextId++}`,
      fileName,
      action: 'hide',
      contentLength: 0,
      contentSha1: null,
      contentType: null,
      uploadTimestamp: at,
      fileInfo: {},
    };
    this.versions.push(version);
    return version;
  }

  sorted(): B2FileVersion[] {
    return [...this.versions].sort((a, b) =>
      a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : b.uploadTimestamp - a.uploadTimestamp || (a.fileId < b.fileId ? 1 : -1),
    );
  }

  async getBucket(bucketName: string): Promise<B2Bucket> {
    return { bucketId: 'b1', bucketName, bucketType: 'allPrivate' };
  }

  async *listFileVersions(_bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    this.transactions.C += 1;
    for (const v of this.sorted()) {
      if (options.prefix && !v.fileName.startsWith(options.prefix)) continue;
      if (options.startFileName && v.fileName < options.startFileName) continue;
      yield { ...v };
    }
  }

  async *listFileNames(bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    let last: string | undefined;
    for await (const v of this.listFileVersions(bucketId, options)) {
      if (v.fileName === last) continue;
      last = v.fileName;
      if (v.action === 'upload') yield v;
    }
  }

  async hideFile(_bucketId: string, fileName: string): Promise<B2FileVersion> {
    this.transactions.A += 1;
    return this.hide(fileName);
  }

  async deleteFileVersion(fileName: string, fileId: string): Promise<void> {
    this.transactions.A += 1;
    if (this.failDeleteOf.has(fileId)) throw new Error(`injected failure deleting ${fileId}`);
    const index = this.versions.findIndex((v) => v.fileId === fileId && v.fileName === fileName);
    if (index < 0) throw new Error(`file_not_present: ${fileName} ${fileId}`);
    this.versions.splice(index, 1);
    this.deleted.push(fileId);
  }

  async getFileInfo(fileId: string): Promise<B2FileVersion> {
    const v = this.versions.find((x) => x.fileId === fileId);
    if (!v) throw new Error('not found');
    return v;
  }

  async downloadFileById(fileId: string): Promise<B2Download> {
    this.transactions.B += 1;
    const v = await this.getFileInfo(fileId);
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

  async *listUnfinishedLargeFiles(): AsyncGenerator<B2FileVersion> {}

  async cancelLargeFile(): Promise<void> {}
}

/** A content "cipher" that passes bytes through (the real one is tested in core). */
export const identityContent = {
  decryptStream: (): Transform => new PassThrough(),
  encryptStream: (): Transform => new PassThrough(),
};
