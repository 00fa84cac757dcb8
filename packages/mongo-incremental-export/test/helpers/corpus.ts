/** Raw BSON documents covering every BSON type and every kind of _id, built byte by byte. */
import { BSON, Binary, BSONRegExp, BSONSymbol, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from 'mongodb';

export function element(name: string, value: unknown): Buffer {
  const doc = BSON.serialize(new Map([[name, value]]));
  return Buffer.from(doc.subarray(4, doc.length - 1));
}

export function rawElement(type: number, name: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), Buffer.from(name, 'utf8'), Buffer.from([0]), value]);
}

export function rawDoc(parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(body.length + 5);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

function cstringValue(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(bytes.length + 5);
  out.writeInt32LE(bytes.length + 1, 0);
  bytes.copy(out, 4);
  return out;
}

/** Every _id kind the tool must name: [label, id value]. */
export const ID_KINDS: [string, unknown][] = [
  ['objectid', new ObjectId('5f1d7a0c9b1e8a3d4c2b1a09')],
  ['string', 'plain-id'],
  ['string with slash', 'a/b/../c'],
  ['string dotdot', '..'],
  ['string dot', '.'],
  ['string unicode', 'ünïcødé ✓ 日本'],
  ['string upper', 'Alice'],
  ['string lower', 'alice'],
  ['string long', 'x'.repeat(600)],
  ['string empty', ''],
  ['int32', new Int32(42)],
  ['int32 negative', new Int32(-7)],
  ['int64', Long.fromString('9007199254740993')],
  ['double', new Double(1.5)],
  ['uuid', new UUID('0123456789abcdef0123456789abcdef').toBinary()],
  ['binary', new Binary(Buffer.from([0, 1, 2, 255]), 0)],
  ['embedded document', new Map<string, unknown>([['b', new Int32(1)], ['a', 'x']])],
  ['date', new Date('2024-02-29T12:00:00Z')],
  ['decimal128', Decimal128.fromString('3.14159')],
  ['boolean', true],
];

/** A body holding every BSON type the driver can write, including key orders JS objects would change. */
export function everyTypeBody(): Buffer[] {
  return [
    element('double', new Double(-0)),
    element('double2', new Double(2.5e-300)),
    element('string', 'héllo\u0000?'.replace('\u0000', '')),
    element('doc', new Map<string, unknown>([['z', new Int32(1)], ['10', new Int32(2)], ['2', new Int32(3)]])),
    element('array', [new Int32(1), 'two', new Map([['three', new Double(3)]]), [], new Map()]),
    element('bin0', new Binary(Buffer.from('generic'), 0)),
    element('bin_uuid', new UUID('fedcba98765432100123456789abcdef').toBinary()),
    element('bin_md5', new Binary(Buffer.alloc(16, 7), 5)),
    element('bin_user', new Binary(Buffer.from([1, 2, 3]), 0x80)),
    element('oid', new ObjectId('0123456789abcdef01234567')),
    element('bool', false),
    element('date', new Date(-1000)),
    element('null', null),
    element('regex', new BSONRegExp('^a+b?$', 'imsx')),
    element('code', new Code('function () { return 1; }')),
    element('symbol', new BSONSymbol('sym')),
    element('codews', new Code('x + y', new Map<string, unknown>([['x', new Int32(1)]]) as unknown as Record<string, unknown>)),
    element('int32', new Int32(-2147483648)),
    element('timestamp', new Timestamp({ t: 1700000000, i: 5 })),
    element('int64', Long.fromString('-9223372036854775808')),
    element('decimal', Decimal128.fromString('-1.000000000000000000000000000000001E+6000')),
    element('minkey', new MinKey()),
    element('maxkey', new MaxKey()),
    element('2', 'integer-like key after others'),
    element('ключ', 'unicode key'),
  ];
}

/** The two deprecated types the driver cannot write (export still keeps them byte for byte). */
export function deprecatedBody(): Buffer[] {
  const pointer = Buffer.concat([cstringValue('db.coll'), Buffer.from('0123456789abcdef01234567', 'hex')]);
  return [rawElement(0x06, 'undef', Buffer.alloc(0)), rawElement(0x0c, 'dbpointer', pointer)];
}

/** One document per _id kind, each with the every-type body. */
export function corpus(): Buffer[] {
  return ID_KINDS.map(([label, id]) => rawDoc([element('_id', id), element('label', label), ...everyTypeBody()]));
}

/** A small document with a numeric _id. */
export function simpleDoc(id: number, payload: string): Buffer {
  return rawDoc([element('_id', new Int32(id)), element('payload', payload)]);
}
