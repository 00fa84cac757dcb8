/**
 * A minimal walker over raw BSON bytes. The exporter never decodes documents: it only
 * needs to find the `_id` element and to check that a file really holds one BSON
 * document, so the bytes it writes are exactly the bytes the server sent.
 */

export interface RawElement {
  /** BSON type byte (0x01 double … 0x13 decimal128, 0xff minKey, 0x7f maxKey). */
  type: number;
  name: string;
  /** Offset of the value (just after the name's NUL). */
  valueStart: number;
  /** Offset just past the value. */
  valueEnd: number;
}

export class BsonFormatError extends Error {}

function int32(buf: Uint8Array, at: number): number {
  if (at + 4 > buf.length) throw new BsonFormatError('truncated BSON');
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

function cstringEnd(buf: Uint8Array, at: number, end: number): number {
  const nul = buf.indexOf(0, at);
  if (nul < 0 || nul >= end) throw new BsonFormatError('unterminated name in BSON');
  return nul;
}

/** Length of a value of `type` starting at `at`. */
export function valueLength(buf: Uint8Array, type: number, at: number, end: number): number {
  switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: return 8;
    case 0x02: case 0x0d: case 0x0e: return 4 + int32(buf, at);
    case 0x03: case 0x04: case 0x0f: return int32(buf, at);
    case 0x05: return 5 + int32(buf, at);
    case 0x06: case 0x0a: case 0xff: case 0x7f: return 0;
    case 0x07: return 12;
    case 0x08: return 1;
    case 0x0b: {
      const pattern = cstringEnd(buf, at, end);
      return cstringEnd(buf, pattern + 1, end) + 1 - at;
    }
    case 0x0c: return 4 + int32(buf, at) + 12;
    case 0x10: return 4;
    case 0x13: return 16;
    default: throw new BsonFormatError(`unknown BSON type 0x${type.toString(16)}`);
  }
}

/** Checks the outer length and terminator of the document at `start`; returns its end. */
export function documentEnd(buf: Uint8Array, start = 0): number {
  const length = int32(buf, start);
  const end = start + length;
  if (length < 5 || end > buf.length) throw new BsonFormatError('bad BSON document length');
  if (buf[end - 1] !== 0) throw new BsonFormatError('BSON document does not end with NUL');
  return end;
}

/** Yields the elements of the document (or array) at `start`. */
export function* elements(buf: Uint8Array, start = 0): Generator<RawElement> {
  const end = documentEnd(buf, start);
  const decoder = new TextDecoder();
  let at = start + 4;
  while (at < end - 1) {
    const type = buf[at]!;
    const nameEnd = cstringEnd(buf, at + 1, end);
    const name = decoder.decode(buf.subarray(at + 1, nameEnd));
    const valueStart = nameEnd + 1;
    const valueEnd = valueStart + valueLength(buf, type, valueStart, end);
    if (valueEnd > end - 1) throw new BsonFormatError(`element "${name}" runs past the document end`);
    yield { type, name, valueStart, valueEnd };
    at = valueEnd;
  }
  if (at !== end - 1) throw new BsonFormatError('BSON elements do not fill the document');
}

/** The `_id` element of a raw document, or undefined when it has none. */
export function findId(doc: Uint8Array): RawElement | undefined {
  for (const element of elements(doc)) if (element.name === '_id') return element;
  return undefined;
}

/** Throws BsonFormatError unless `buf` is exactly one well-formed BSON document (recursively). */
export function validateDocument(buf: Uint8Array): void {
  if (documentEnd(buf) !== buf.length) throw new BsonFormatError('trailing bytes after the BSON document');
  const walk = (start: number): void => {
    for (const element of elements(buf, start)) {
      if (element.type === 0x03 || element.type === 0x04) walk(element.valueStart);
    }
  };
  walk(0);
}
