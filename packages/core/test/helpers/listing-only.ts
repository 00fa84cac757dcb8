// A B2Api that only lists the given versions (by prefix and start name, in B2's byte order)
// and records each listing's options; every other call fails. For tests of listing logic in
// core, which cannot use b2-emulator's FakeB2 (b2-emulator depends on core).
import { compareB2Names, type B2Api, type B2Bucket, type B2Download, type B2FileVersion, type ListVersionsOptions } from '../../src/index.js';

const unused = (): never => {
  throw new Error('not used by listing tests');
};

export class ListingOnly implements B2Api {
  readonly transactions = { A: 0, B: 0, C: 0 };
  readonly listings: ListVersionsOptions[] = [];
  constructor(private readonly versions: B2FileVersion[]) {}
  async *listFileVersions(_bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    this.listings.push(options);
    const from = options.startFileName;
    yield* [...this.versions]
      .filter((v) => v.fileName.startsWith(options.prefix ?? '') && (from === undefined || compareB2Names(v.fileName, from) >= 0))
      .sort((a, b) => compareB2Names(a.fileName, b.fileName) || b.uploadTimestamp - a.uploadTimestamp);
  }
  async *listFileNames(bucketId: string, options: ListVersionsOptions = {}): AsyncGenerator<B2FileVersion> {
    yield* this.listFileVersions(bucketId, options);
  }
  getBucket(): Promise<B2Bucket> {
    return unused();
  }
  hideFile(): Promise<B2FileVersion> {
    return unused();
  }
  deleteFileVersion(): Promise<void> {
    return unused();
  }
  getFileInfo(): Promise<B2FileVersion> {
    return unused();
  }
  downloadFileById(): Promise<B2Download> {
    return unused();
  }
  async *listUnfinishedLargeFiles(): AsyncGenerator<B2FileVersion> {
    yield* [];
  }
  cancelLargeFile(): Promise<void> {
    return unused();
  }
}
