import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BsonFormatError, elements, validateDocument } from '../src/bson-elements.js';
import { CHECKSUMS_HEADER, readChecksums, readJournal, writeChecksums, Journal } from '../src/checksums-file.js';
import { escapeName, unescapeName } from '../src/names.js';
import { rawToMap } from '../src/raw-to-map.js';
import { corpus, simpleDoc } from './helpers/corpus.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mie-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('raw BSON walker', () => {
  it('lists the same element names as js-bson, in byte order', () => {
    for (const doc of corpus()) {
      const names = [...elements(doc)].map((e) => e.name);
      expect(names[0]).toBe('_id');
      expect(names).toContain('codews');
      expect(names.length).toBe(Object.keys(BSON.deserialize(doc)).length);
      expect(() => validateDocument(doc)).not.toThrow();
    }
  });

  it.each([
    ['truncated', simpleDoc(1, 'abc').subarray(0, 10)],
    ['bad terminator', Buffer.concat([simpleDoc(1, 'abc').subarray(0, -1), Buffer.from([1])])],
    ['trailing bytes', Buffer.concat([simpleDoc(1, 'abc'), Buffer.from([0])])],
    ['unknown type', Buffer.from([8, 0, 0, 0, 0x42, 0x61, 0, 0])],
    ['too short', Buffer.from([4, 0, 0, 0])],
  ])('rejects %s', (_label, bytes) => {
    expect(() => validateDocument(bytes)).toThrow(BsonFormatError);
  });
});

describe('rawToMap', () => {
  it('serializes back to the identical bytes for every type the driver can write', () => {
    for (const doc of corpus()) expect(Buffer.from(BSON.serialize(rawToMap(doc)))).toEqual(doc);
  });
});

describe('collection and database directory names', () => {
  it.each([
    ['users', 'users'],
    ['system.users', 'system.users'],
    ['.hidden', '%2Ehidden'],
    ['a/b', 'a%2Fb'],
    ['100%', '100%25'],
    ['ünï', '%C3%BCn%C3%AF'],
  ])('%s ↔ %s', (name, escaped) => {
    expect(escapeName(name)).toBe(escaped);
    expect(unescapeName(escaped)).toBe(name);
  });
});

describe('checksums file', () => {
  it('is sorted TSV with a header, replaced atomically, and reads back', async () => {
    const path = join(dir, 'checksums');
    const bin = (hex: string): string => Buffer.from(hex, 'hex').toString('latin1');
    const map = new Map([['s-b', bin('b'.repeat(64))], ['i-1', bin('1'.repeat(64))], ['5f1d7a0c9b1e8a3d4c2b1a09', bin('f'.repeat(64))]]);
    await writeChecksums(path, map);
    const text = await readFile(path, 'utf8');
    expect(text).toBe(`${CHECKSUMS_HEADER}\n5f1d7a0c9b1e8a3d4c2b1a09\t${'f'.repeat(64)}\ni-1\t${'1'.repeat(64)}\ns-b\t${'b'.repeat(64)}\n`);
    expect(await readChecksums(path)).toEqual(map);
    expect((await readdir(dir)).filter((n) => n.includes('tmp'))).toEqual([]);
  });

  it('treats a missing file as empty and skips damaged lines', async () => {
    expect((await readChecksums(join(dir, 'nope'))).size).toBe(0);
    const path = join(dir, 'damaged');
    await writeFile(path, `${CHECKSUMS_HEADER}\ni-1\t${'a'.repeat(64)}\ni-2\tshort\ngarbage\n`);
    expect([...(await readChecksums(path)).keys()]).toEqual(['i-1']);
  });

  it('journal appends keys and is removed', async () => {
    const path = join(dir, 'journal');
    const journal = new Journal(path);
    await journal.add(['a', 'b']);
    await journal.add(['c']);
    await journal.close();
    expect([...(await readJournal(path))]).toEqual(['a', 'b', 'c']);
    await journal.remove();
    expect((await readJournal(path)).size).toBe(0);
  });
});
