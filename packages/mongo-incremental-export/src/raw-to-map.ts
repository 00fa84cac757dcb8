import { BSON } from 'mongodb';
import { elements } from './bson-elements.js';

/**
 * Turns raw BSON into values the driver serializes back to the same bytes. Plain objects
 * would not do: JavaScript moves integer-like keys ("2", "10") to the front of an object,
 * and promoted numbers lose their BSON type. So documents become Maps (which js-bson
 * serializes in insertion order) and scalars are decoded one at a time with promotion
 * off (Int32, Double, Long, BSONRegExp stay what they were).
 *
 * Two deprecated types cannot be written by the driver at all: `undefined` (0x06) comes
 * back as null and DBPointer (0x0C) as a DBRef sub-document.
 */
const SCALAR_OPTIONS = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** Decodes one scalar value by wrapping it as the only element of a tiny document. */
function scalar(type: number, value: Uint8Array): unknown {
  const wrapper = Buffer.alloc(4 + 1 + 1 + value.length + 1);
  wrapper.writeInt32LE(wrapper.length, 0);
  wrapper[4] = type; // then the empty name's NUL (already 0), the value, the final NUL
  wrapper.set(value, 6);
  return BSON.deserialize(wrapper, SCALAR_OPTIONS)[''];
}

function convert(buf: Uint8Array, start: number, asArray: boolean): Map<string, unknown> | unknown[] {
  const map = new Map<string, unknown>();
  const list: unknown[] = [];
  for (const element of elements(buf, start)) {
    let value: unknown;
    if (element.type === 0x03) value = convert(buf, element.valueStart, false);
    else if (element.type === 0x04) value = convert(buf, element.valueStart, true);
    else value = scalar(element.type, buf.subarray(element.valueStart, element.valueEnd));
    if (asArray) list.push(value);
    else map.set(element.name, value);
  }
  return asArray ? list : map;
}

/** The raw document as an insertion-ordered Map tree. */
export function rawToMap(doc: Uint8Array): Map<string, unknown> {
  return convert(doc, 0, false) as Map<string, unknown>;
}
