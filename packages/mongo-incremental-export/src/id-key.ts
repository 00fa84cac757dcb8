import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RawElement } from './bson-elements.js';

/**
 * Turns a document's `_id` into a stable, filesystem-safe file name stem ("id key").
 * The key depends only on the id's BSON type and value bytes — never on the document's
 * content — so editing a document rewrites the same file instead of deleting one and
 * adding another (the original tool's content-hash fallback did the latter).
 *
 *   ObjectId          24 lowercase hex digits                 5f1d7a…c3
 *   string            s- + escaped UTF-8                      s-user%3A42
 *   int32 / int64     i- / l- + decimal                       i-42, l--7
 *   double            d- + shortest decimal (x + hex if ±0/NaN/∞ would be ambiguous)
 *   binary (UUID…)    b + subtype (2 hex) + - + hex data       b04-0123…ef
 *   anything else     x + type (2 hex) + - + hex value bytes   x03-0c000000…
 *   too long (>200)   h- + SHA-256 of type byte + value bytes
 *   no _id at all     n- + SHA-256 of the document (contentKey)
 *
 * String escaping keeps a-z, 0-9, `_` and `-`; every other byte (capitals included, so
 * case-insensitive file systems cannot merge two ids) becomes %XX. No key can be `.`,
 * `..`, contain `/`, or start with a dot.
 */
export const MAX_KEY_LENGTH = 200;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export function escapeIdString(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const safe = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x5f || byte === 0x2d;
    out += safe ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function doubleKey(value: Uint8Array): string {
  const number = Buffer.from(value).readDoubleLE(0);
  if (Number.isFinite(number) && !Object.is(number, -0)) return `d-${String(number)}`;
  return `dx-${hex(value)}`;
}

function readInt64(value: Uint8Array): bigint {
  return Buffer.from(value).readBigInt64LE(0);
}

/** The id key of an `_id` element found in `doc`. */
export function idKey(doc: Uint8Array, id: RawElement): string {
  const value = doc.subarray(id.valueStart, id.valueEnd);
  let key: string;
  switch (id.type) {
    case 0x07: return hex(value);
    case 0x02: key = `s-${escapeIdString(value.subarray(4, value.length - 1))}`; break;
    case 0x10: key = `i-${Buffer.from(value).readInt32LE(0)}`; break;
    case 0x12: key = `l-${readInt64(value).toString()}`; break;
    case 0x01: key = doubleKey(value); break;
    case 0x05: key = `b${value[4]!.toString(16).padStart(2, '0')}-${hex(value.subarray(5))}`; break;
    default: key = `x${id.type.toString(16).padStart(2, '0')}-${hex(value)}`;
  }
  if (key.length <= MAX_KEY_LENGTH) return key;
  const digest = createHash('sha256').update(Uint8Array.of(id.type)).update(value).digest('hex');
  return `h-${digest}`;
}

/**
 * The key of a document without `_id` (old capped collections, `local.*`): it has no
 * identity but its content, so `n-` + SHA-256 of its bytes, and `-2`, `-3`… for identical
 * copies in server order. Editing such a document is necessarily a delete + add.
 */
export function contentKey(doc: Uint8Array, copy: number): string {
  const digest = createHash('sha256').update(doc).digest('hex');
  return copy <= 1 ? `n-${digest}` : `n-${digest}-${copy}`;
}

export const DIRECTORY_LEVELS = 3;

/**
 * The directory levels of a key: the last three hex digits of an ObjectId (its counter,
 * so directories fill evenly), or of the SHA-256 of any other key. 4096 leaf directories:
 * 250 documents each at a million documents.
 */
export function keyDirectories(key: string): string[] {
  const source = /^[0-9a-f]{24}$/.test(key) ? key : createHash('sha256').update(key).digest('hex');
  return source.slice(-DIRECTORY_LEVELS).split('');
}

export const DOCUMENT_SUFFIX = '.bson';

/** Path of a document file relative to its collection directory. */
export function documentPath(key: string): string {
  return join(...keyDirectories(key), `${key}${DOCUMENT_SUFFIX}`);
}
