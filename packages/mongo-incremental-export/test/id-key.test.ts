import fc from 'fast-check';
import { BSON, Binary, Double, Int32, Long, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { findId } from '../src/bson-elements.js';
import { documentPath, idKey, keyDirectories, MAX_KEY_LENGTH } from '../src/id-key.js';
import { ID_KINDS, element, rawDoc } from './helpers/corpus.js';

const keyOf = (id: unknown): string => {
  const doc = rawDoc([element('_id', id), element('v', 'content')]);
  return idKey(doc, findId(doc)!);
};
const SAFE = /^([a-z0-9_.+-]|%[0-9A-F]{2})+$/;

describe('idKey', () => {
  it.each([
    [new ObjectId('5f1d7a0c9b1e8a3d4c2b1a09'), '5f1d7a0c9b1e8a3d4c2b1a09'],
    ['plain-id', 's-plain-id'],
    ['a/b/../c', 's-a%2Fb%2F%2E%2E%2Fc'],
    ['..', 's-%2E%2E'],
    ['Alice', 's-%41lice'],
    ['', 's-'],
    ['é', 's-%C3%A9'],
    [new Int32(42), 'i-42'],
    [new Int32(-7), 'i--7'],
    [Long.fromString('9007199254740993'), 'l-9007199254740993'],
    [new Double(1.5), 'd-1.5'],
    [new Double(-0), 'dx-0000000000000080'],
    [new Double(Number.NaN), 'dx-000000000000f87f'],
    [new Binary(Buffer.from([0, 1, 255]), 4), 'b04-0001ff'],
    [true, 'x08-01'],
    [null, 'x0a-'],
  ])('%s → %s', (id, key) => {
    expect(keyOf(id)).toBe(key);
  });

  it('depends on the id only, never on the rest of the document', () => {
    const a = rawDoc([element('_id', 'same'), element('v', 1)]);
    const b = rawDoc([element('_id', 'same'), element('v', 2), element('w', 'more')]);
    expect(idKey(a, findId(a)!)).toBe(idKey(b, findId(b)!));
  });

  it('finds _id wherever it is in the document', () => {
    const doc = rawDoc([element('a', 1), element('_id', new Int32(5))]);
    expect(idKey(doc, findId(doc)!)).toBe('i-5');
  });

  it('gives every _id kind of the corpus a distinct, safe, bounded name', () => {
    const keys = ID_KINDS.map(([, id]) => keyOf(id));
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) {
      expect(key).toMatch(SAFE);
      expect(key.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
      expect(key.startsWith('.')).toBe(false);
    }
    expect(keyOf('x'.repeat(600))).toMatch(/^h-[0-9a-f]{64}$/);
  });

  it('is injective and filesystem-safe for arbitrary strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), (a, b) => {
        const ka = keyOf(a);
        expect(ka).toMatch(SAFE);
        expect(Buffer.byteLength(`${ka}.bson`)).toBeLessThanOrEqual(255);
        if (Buffer.from(a).equals(Buffer.from(b))) return;
        expect(ka).not.toBe(keyOf(b));
      }),
    );
  });

  it('spreads documents evenly over 4096 leaf directories', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 40960; i += 1) {
      const dirs = keyDirectories(keyOf(new Int32(i))).join('/');
      counts.set(dirs, (counts.get(dirs) ?? 0) + 1);
    }
    expect(counts.size).toBe(4096);
    expect(Math.max(...counts.values())).toBeLessThan(30); // mean 10
    expect(documentPath('5f1d7a0c9b1e8a3d4c2b1a09')).toBe('a/0/9/5f1d7a0c9b1e8a3d4c2b1a09.bson');
  });

  it('reads the same id the driver wrote', () => {
    const id = new ObjectId();
    const doc = Buffer.from(BSON.serialize({ _id: id }));
    expect(idKey(doc, findId(doc)!)).toBe(id.toHexString());
  });
});
