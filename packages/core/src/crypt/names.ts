// rclone crypt name encryption for one remote: standard (EME + encoding), obfuscate, off.
import { nameFromBytes, nameToBytes } from '../names/name-bytes.js';
import { CryptNameError } from './errors.js';
import { Eme, pkcs7Pad, pkcs7Unpad } from './eme.js';
import { nameEncoding, type FilenameEncoding, type NameEncoding } from './encodings.js';
import type { CryptKeys } from './keys.js';
import { deobfuscateSegment, keySum, obfuscateSegment } from './obfuscate.js';
import { addVersionSuffix, removeVersionSuffix } from './version-suffix.js';
import type { NameCipher } from './types.js';

export type FilenameEncryption = 'standard' | 'obfuscate' | 'off';

export interface NameCipherOptions {
  /** `filename_encryption`, default `standard`. */
  filenameEncryption?: FilenameEncryption;
  /** `directory_name_encryption`, default true. */
  directoryNameEncryption?: boolean;
  /** `filename_encoding`, default `base32`. */
  filenameEncoding?: FilenameEncoding;
  /** Decrypted directory segments kept in memory (default 65536; 0 disables the cache). */
  cacheSize?: number;
}

export type DecryptResult = { ok: true; path: string } | { ok: false; error: CryptNameError };

/** NameCipher plus segment-level calls and a non-throwing decrypt for listings. */
export interface RcloneNameCipher extends NameCipher {
  readonly filenameEncryption: FilenameEncryption;
  readonly directoryNameEncryption: boolean;
  readonly filenameEncoding: FilenameEncoding;
  /** Encrypts one name (no `/`, no version-suffix handling, no `.bin`). */
  encryptSegment(plain: string): string;
  /** Decrypts one name; throws CryptNameError. */
  decryptSegment(encrypted: string): string;
  /** Decrypts a directory path (in `off` mode or without directory encryption: unchanged). */
  decryptDirPath(encryptedPath: string): string;
  /** decryptPath without exceptions, for listings of millions of names. */
  tryDecryptPath(encryptedPath: string): DecryptResult;
  /**
   * tryDecryptPath for a batch (e.g. one listing page): several times faster in standard mode,
   * since all names of the batch go through AES together.
   */
  tryDecryptPaths(encryptedPaths: readonly string[]): DecryptResult[];
}


class Cipher implements RcloneNameCipher {
  readonly filenameEncryption: FilenameEncryption;
  readonly directoryNameEncryption: boolean;
  readonly filenameEncoding: FilenameEncoding;
  private readonly eme: Eme;
  private readonly enc: NameEncoding;
  private readonly sum: number;
  private readonly cacheSize: number;
  private readonly dirCache = new Map<string, string>();
  /** Reason of the last failed segment (avoids allocating results per segment). */
  private reason = '';

  constructor(keys: CryptKeys, options: NameCipherOptions) {
    this.filenameEncryption = options.filenameEncryption ?? 'standard';
    if (!['standard', 'obfuscate', 'off'].includes(this.filenameEncryption)) {
      throw new RangeError(`unknown filename_encryption "${this.filenameEncryption}" (standard, obfuscate or off)`);
    }
    this.directoryNameEncryption = options.directoryNameEncryption ?? true;
    this.enc = nameEncoding(options.filenameEncoding ?? 'base32');
    this.filenameEncoding = this.enc.name;
    this.eme = new Eme(keys.nameKey, keys.nameTweak);
    this.sum = keySum(keys.nameKey);
    this.cacheSize = options.cacheSize ?? 65536;
  }

  encryptSegment(plain: string): string {
    if (this.filenameEncryption === 'off') return plain;
    if (this.filenameEncryption === 'obfuscate') return obfuscateSegment(plain, this.sum);
    if (plain === '') return '';
    const bytes = nameToBytes(plain);
    if (bytes.length > 2047) throw new RangeError(`name too long to encrypt (${bytes.length} bytes, at most 2047): ${plain}`);
    return this.enc.encode(this.eme.encrypt(pkcs7Pad(bytes)));
  }

  decryptSegment(encrypted: string): string {
    const plain = this.segment(encrypted);
    if (plain === undefined) throw new CryptNameError(encrypted, encrypted, this.reason);
    return plain;
  }

  /** Decrypts one segment; undefined (with this.reason set) when invalid. */
  private segment(encrypted: string): string | undefined {
    if (this.filenameEncryption === 'off') return encrypted;
    if (this.filenameEncryption === 'obfuscate') {
      const plain = deobfuscateSegment(encrypted, this.sum);
      if (plain === undefined) this.reason = 'not an obfuscated name (expected NUMBER.NAME)';
      return plain;
    }
    if (encrypted === '') return '';
    const raw = this.prepare(encrypted);
    if (raw === undefined) return undefined;
    return this.finish(this.eme.decrypt(raw));
  }

  /** Decodes a standard-mode segment and checks its length; undefined with this.reason when invalid. */
  private prepare(encrypted: string): Uint8Array | undefined {
    const raw = this.enc.decode(encrypted);
    if (typeof raw === 'string') {
      this.reason = raw;
      return undefined;
    }
    if (raw.length === 0 || raw.length % 16 !== 0) {
      this.reason = `decodes to ${raw.length} bytes, not a multiple of 16`;
      return undefined;
    }
    if (raw.length > 2048) {
      this.reason = 'too long';
      return undefined;
    }
    return raw;
  }

  /**
   * Unpads an EME-decrypted segment; undefined with this.reason when invalid. Like rclone,
   * only the padding decides: a plaintext that is not valid UTF-8 (rclone stores a local
   * name's invalid bytes as they are) is a real name, kept byte-exact (name-bytes.ts).
   */
  private finish(padded: Buffer): string | undefined {
    const plain = pkcs7Unpad(padded);
    if (typeof plain === 'string') {
      this.reason = `${plain} (wrong password or not an encrypted name)`;
      return undefined;
    }
    return nameFromBytes(plain);
  }

  private dirSegment(encrypted: string): string | undefined {
    if (this.cacheSize === 0) return this.segment(encrypted);
    const hit = this.dirCache.get(encrypted);
    if (hit !== undefined) return hit;
    const plain = this.segment(encrypted);
    if (plain !== undefined) {
      if (this.dirCache.size >= this.cacheSize) this.dirCache.delete(this.dirCache.keys().next().value!);
      this.dirCache.set(encrypted, plain);
    }
    return plain;
  }

  /** rclone's encryptFileName (standard/obfuscate). */
  private encryptSegments(path: string): string {
    const segs = path.split('/');
    const last = segs.length - 1;
    for (let i = 0; i <= last; i++) {
      if (!this.directoryNameEncryption && i !== last) continue;
      let seg = segs[i]!;
      const version = i === last ? removeVersionSuffix(seg) : undefined;
      if (version) seg = version.name;
      seg = this.encryptSegment(seg);
      segs[i] = version ? addVersionSuffix(seg, version.suffix) : seg;
    }
    return segs.join('/');
  }

  encryptPath(plainPath: string): string {
    if (this.filenameEncryption === 'off') return plainPath + '.bin';
    return this.encryptSegments(plainPath);
  }

  encryptDirPath(plainPath: string): string {
    if (this.filenameEncryption === 'off' || !this.directoryNameEncryption) return plainPath;
    return this.encryptSegments(plainPath);
  }

  tryDecryptPath(encryptedPath: string): DecryptResult {
    if (this.filenameEncryption === 'off') {
      if (encryptedPath.length <= 4 || !encryptedPath.endsWith('.bin')) {
        return this.fail(encryptedPath, encryptedPath, 'no .bin suffix (not an encrypted file)');
      }
      const plain = encryptedPath.slice(0, -4);
      const version = removeVersionSuffix(plain);
      if (version && version.name === '') return this.fail(encryptedPath, encryptedPath, 'only a version suffix');
      return { ok: true, path: plain };
    }
    return this.decryptSegments(encryptedPath);
  }

  tryDecryptPaths(paths: readonly string[]): DecryptResult[] {
    if (this.filenameEncryption !== 'standard' || paths.length < 2) return paths.map((p) => this.tryDecryptPath(p));
    // 1. every distinct ciphertext segment not already cached → one batch through EME
    const index = new Map<string, number>();
    const raws: Uint8Array[] = [];
    const bad = new Map<string, string>();
    const want = (ct: string): void => {
      if (ct === '' || index.has(ct) || bad.has(ct)) return;
      const raw = this.prepare(ct);
      if (raw === undefined) bad.set(ct, this.reason);
      else {
        index.set(ct, raws.length);
        raws.push(raw);
      }
    };
    const split = paths.map((path) => {
      const segs = path.split('/');
      const last = segs.length - 1;
      const version = removeVersionSuffix(segs[last]!);
      if (this.directoryNameEncryption) {
        for (let i = 0; i < last; i++) if (!this.dirCache.has(segs[i]!)) want(segs[i]!);
      }
      want(version ? version.name : segs[last]!);
      return { segs, version };
    });
    const padded = this.eme.decryptMany(raws);
    const plain = new Map<string, string>();
    for (const [ct, k] of index) {
      const p = this.finish(padded[k]!);
      if (p === undefined) bad.set(ct, this.reason);
      else plain.set(ct, p);
    }
    // 2. assemble, filling the directory cache
    const lookup = (ct: string, isDir: boolean): string | undefined => {
      if (ct === '') return '';
      if (isDir) {
        const hit = this.dirCache.get(ct);
        if (hit !== undefined) return hit;
      }
      const p = plain.get(ct);
      if (p !== undefined && isDir && this.cacheSize > 0) {
        if (this.dirCache.size >= this.cacheSize) this.dirCache.delete(this.dirCache.keys().next().value!);
        this.dirCache.set(ct, p);
      }
      return p;
    };
    return split.map(({ segs, version }, n): DecryptResult => {
      const last = segs.length - 1;
      let out = '';
      for (let i = 0; i < last; i++) {
        const ct = segs[i]!;
        const p = this.directoryNameEncryption ? lookup(ct, true) : ct;
        if (p === undefined) return this.fail(paths[n]!, ct, bad.get(ct) ?? 'invalid');
        out += p + '/';
      }
      const leaf = version ? version.name : segs[last]!;
      const p = lookup(leaf, false);
      if (p === undefined) return this.fail(paths[n]!, segs[last]!, bad.get(leaf) ?? 'invalid');
      return { ok: true, path: out + (version ? addVersionSuffix(p, version.suffix) : p) };
    });
  }

  private fail(input: string, segment: string, reason: string): DecryptResult {
    return { ok: false, error: new CryptNameError(input, segment, reason) };
  }

  /** rclone's decryptFileName (standard/obfuscate). */
  private decryptSegments(path: string): DecryptResult {
    let start = 0;
    let out = '';
    for (;;) {
      const slash = path.indexOf('/', start);
      const isLast = slash === -1;
      const seg = isLast ? path.slice(start) : path.slice(start, slash);
      let plain: string | undefined;
      if (!isLast) {
        plain = this.directoryNameEncryption ? this.dirSegment(seg) : seg;
      } else {
        const version = removeVersionSuffix(seg);
        plain = this.segment(version ? version.name : seg);
        if (plain !== undefined && version) plain = addVersionSuffix(plain, version.suffix);
      }
      if (plain === undefined) return this.fail(path, seg, this.reason);
      if (isLast) return { ok: true, path: out + plain };
      out += plain + '/';
      start = slash + 1;
    }
  }

  decryptPath(encryptedPath: string): string {
    const r = this.tryDecryptPath(encryptedPath);
    if (!r.ok) throw r.error;
    return r.path;
  }

  decryptDirPath(encryptedPath: string): string {
    if (this.filenameEncryption === 'off' || !this.directoryNameEncryption) return encryptedPath;
    return this.decryptPath(encryptedPath);
  }
}

/** A name cipher for a crypt remote's keys and name settings. */
export function createNameCipher(keys: CryptKeys, options: NameCipherOptions = {}): RcloneNameCipher {
  return new Cipher(keys, options);
}
