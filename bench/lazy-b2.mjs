// A synthetic B2 bucket of rclone-crypt names whose listing pages are made on demand, for
// benchmarks of millions of versions "excluding network": nothing per version is kept,
// only the encrypted names (one byte arena) and their order. The names come from core's
// real crypt name cipher (made once by `buildNames` and cached in a file), so decryption
// does the same work as on a real bucket. The B2 side follows b2_list_file_versions:
// names in byte order, newest version first, startFileName inclusive, startFileId inside
// one name's versions, nextFileName/nextFileId = the first entry not returned.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const DAY = 86_400_000;
export const NOW = Date.UTC(2026, 0, 1, 12);
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

/** The plaintext path of file `n` (directory `n / perDir`; 16 top-level directories). */
export const plainDirOf = (dir) => `t${dir % 16}/d${dir}`;
export const plainLeafOf = (n) => `f${n}.dat`;

/**
 * Encrypts every directory and leaf name once (core's cipher), sorts them as B2 does and
 * writes them to `file`: JSON head (sorted encrypted directories with their number) + leaf arena.
 */
export function buildNames(core, names, files, perDir, file) {
  if (existsSync(file)) return;
  const dirs = Math.ceil(files / perDir);
  const sortedDirs = Array.from({ length: dirs }, (_, d) => ({ enc: `${names.encryptDirPath(plainDirOf(d))}/`, d }));
  sortedDirs.sort((a, b) => (a.enc < b.enc ? -1 : a.enc > b.enc ? 1 : 0));
  const leafText = [];
  const leafFile = new Uint32Array(files);
  let k = 0;
  for (const { d } of sortedDirs) {
    const leaves = [];
    for (let n = d * perDir; n < Math.min(files, (d + 1) * perDir); n += 1)
      leaves.push({
        enc: names
          .encryptPath(`${plainDirOf(d)}/${plainLeafOf(n)}`)
          .split('/')
          .pop(),
        n,
      });
    leaves.sort((a, b) => (a.enc < b.enc ? -1 : a.enc > b.enc ? 1 : 0));
    for (const leaf of leaves) {
      leafText.push(leaf.enc);
      leafFile[k] = leaf.n;
      k += 1;
    }
  }
  const arena = Buffer.from(leafText.join('\n'), 'latin1');
  const head = Buffer.from(JSON.stringify({ files, perDir, dirs: sortedDirs }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  writeFileSync(file, Buffer.concat([length, head, Buffer.from(leafFile.buffer), arena]));
}

/** The listing of the bucket written by buildNames, `perFile` versions per file. */
export class LazyBucket {
  constructor(file, perFile) {
    const data = readFileSync(file);
    const headLength = data.readUInt32LE(0);
    const head = JSON.parse(data.toString('utf8', 4, 4 + headLength));
    this.files = head.files;
    this.perDir = head.perDir;
    this.perFile = perFile;
    this.dirs = head.dirs.map((x) => x.enc);
    this.dirNumber = head.dirs.map((x) => x.d);
    const at = 4 + headLength;
    this.leafFile = new Uint32Array(data.buffer.slice(data.byteOffset + at, data.byteOffset + at + 4 * this.files));
    this.arena = Buffer.from(data.subarray(at + 4 * this.files));
    // where each sorted leaf starts in the arena (leaves separated by '\n')
    this.leafAt = new Uint32Array(this.files + 1);
    let k = 0;
    for (let i = 0; i < this.arena.length; i += 1) if (this.arena[i] === 10) this.leafAt[++k] = i + 1;
    this.leafAt[this.files] = this.arena.length + 1;
    // first sorted leaf index of each sorted directory
    this.dirStart = new Uint32Array(this.dirs.length + 1);
    let sum = 0;
    for (let i = 0; i < this.dirs.length; i += 1) {
      this.dirStart[i] = sum;
      sum += Math.min(this.perDir, this.files - this.dirNumber[i] * this.perDir);
    }
    this.dirStart[this.dirs.length] = sum;
  }

  get versions() {
    return this.files * this.perFile;
  }

  leaf(k) {
    return this.arena.toString('latin1', this.leafAt[k], this.leafAt[k + 1] - 1);
  }

  /** Sorted directory of sorted leaf k. */
  dirOf(k) {
    let lo = 0;
    let hi = this.dirs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.dirStart[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  nameOf(k) {
    return this.dirs[this.dirOf(k)] + this.leaf(k);
  }

  /** The first sorted leaf whose full name is >= name. */
  seek(name) {
    let lo = 0;
    let hi = this.dirs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.dirs[mid] <= name) lo = mid + 1;
      else hi = mid;
    }
    const d = lo - 1;
    if (d < 0) return 0;
    const dir = this.dirs[d];
    if (!name.startsWith(dir)) return this.dirStart[d + 1];
    const rest = name.slice(dir.length);
    let a = this.dirStart[d];
    let b = this.dirStart[d + 1];
    while (a < b) {
      const mid = (a + b) >> 1;
      if (this.leaf(mid) < rest) a = mid + 1;
      else b = mid;
    }
    return a;
  }

  /** Version v (0 = newest) of file n: every tenth file is deleted (its newest entry a hide). */
  version(fileName, n, v, encryptedSize) {
    const hide = v === 0 && n % 10 === 0;
    const plain = (n * 7919 + v * 104_729) % 3_000_000;
    return {
      fileId: `4_z${n.toString(36)}_v${v}`,
      fileName,
      action: hide ? 'hide' : 'upload',
      contentLength: hide ? 0 : encryptedSize(plain),
      contentSha1: hide ? null : SHA1,
      contentType: hide ? 'application/x-bz-hide-marker' : 'application/octet-stream',
      uploadTimestamp: NOW - v * 5 * DAY - (n % 7) * DAY - (n % 86_400) * 1000 - v,
      fileInfo: {},
    };
  }

  /** A B2Api over this listing (only what the listing tools call). */
  client(encryptedSize) {
    const bucket = this;
    const transactions = { A: 0, B: 0, C: 0 };
    const page = (options = {}) => {
      transactions.C += 1;
      const prefix = options.prefix ?? '';
      const size = options.pageSize ?? 1000;
      const from = options.startFileName !== undefined && options.startFileName > prefix ? options.startFileName : prefix;
      let k = bucket.seek(from);
      let v = 0;
      if (k < bucket.files && options.startFileId !== undefined && bucket.nameOf(k) === from)
        v = Number(options.startFileId.slice(options.startFileId.lastIndexOf('_v') + 2));
      const files = [];
      let d = k < bucket.files ? bucket.dirOf(k) : 0;
      let name;
      while (k < bucket.files) {
        while (k >= bucket.dirStart[d + 1]) d += 1;
        // one name string per file (a JSON parser makes one per version; V8 may share them)
        name ??= bucket.dirs[d] + bucket.leaf(k);
        if (!name.startsWith(prefix)) return { files };
        if (files.length === size) return { files, nextFileName: name, nextFileId: `4_z${bucket.leafFile[k].toString(36)}_v${v}` };
        files.push(bucket.version(name, bucket.leafFile[k], v, encryptedSize));
        v += 1;
        if (v === bucket.perFile) {
          v = 0;
          k += 1;
          name = undefined;
        }
      }
      return { files };
    };
    async function* all(options = {}, latestOnly = false) {
      let cursor = { ...options };
      for (;;) {
        const got = page(cursor);
        for (const f of got.files) if (!latestOnly || f.fileId.endsWith('_v0')) yield f;
        if (got.nextFileName === undefined) return;
        cursor = { ...options, startFileName: got.nextFileName, startFileId: got.nextFileId };
      }
    }
    const refuse = async () => {
      throw new Error('the synthetic bucket only lists');
    };
    return {
      transactions,
      getBucket: async () => ({ bucketId: 'lazy', bucketName: 'lazy', bucketType: 'allPrivate' }),
      listFileVersionsPage: async (_bucketId, options) => page(options),
      listFileVersions: (_bucketId, options) => all(options),
      listFileNames: (_bucketId, options) => all(options, true),
      listUnfinishedLargeFiles: async function* () {},
      hideFile: refuse,
      deleteFileVersion: refuse,
      getFileInfo: refuse,
      downloadFileById: refuse,
      cancelLargeFile: refuse,
    };
  }
}
