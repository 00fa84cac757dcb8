import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryBlobs, noJournal } from '../src/blobs.js';
import { list } from '../src/listing.js';
import { Store } from '../src/store.js';

// Reference model: plain arrays, sorted the obvious (slow) way.
interface Ref {
  fileId: string;
  fileName: string;
  action: 'upload' | 'hide';
  ts: number;
  seq: number;
}

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const refOrder = (a: Ref, b: Ref): number => byUtf8(a.fileName, b.fileName) || b.ts - a.ts || b.seq - a.seq;

const nameArb = fc.constantFrom('a', 'a/b', 'a/c', 'ab', 'b', 'b/x/y', 'é', '\u{1F600}', '\uFFFD', 'a b', 'A', 'z/');
type Op = { op: 'put' | 'hide'; name: string; ts: number } | { op: 'del'; pick: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), name: nameArb, ts: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ op: fc.constant('hide' as const), name: nameArb, ts: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ op: fc.constant('del' as const), pick: fc.nat() }),
);

function build(ops: Op[]): { store: Store; bucketId: string; ref: Ref[] } {
  const store = new Store(memoryBlobs(), noJournal());
  const bucketId = store.createBucket('prop-bucket', 'allPrivate', {}, []).bucketId;
  const ref: Ref[] = [];
  for (const op of ops) {
    if (op.op === 'del') {
      if (ref.length === 0) continue;
      const victim = ref.splice(op.pick % ref.length, 1)[0] as Ref;
      store.deleteVersion(victim.fileId);
      continue;
    }
    const v = store.addVersion({
      bucketId, fileName: op.name, action: op.op === 'put' ? 'upload' : 'hide', contentLength: 0, contentSha1: null,
      contentType: null, fileInfo: {}, uploadTimestamp: op.ts,
    });
    ref.push({ fileId: v.fileId, fileName: v.fileName, action: v.action as Ref['action'], ts: v.uploadTimestamp, seq: v.seq });
  }
  return { store, bucketId, ref };
}

function pageAll(store: Store, bucketId: string, allVersions: boolean, pageSize: number, prefix: string, delimiter?: string): string[] {
  const out: string[] = [];
  let startFileName: string | undefined;
  let startFileId: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const r = list(store, { bucketId, startFileName, startFileId, maxFileCount: pageSize, prefix, delimiter }, allVersions);
    for (const e of r.entries) out.push(e.kind === 'folder' ? `${e.fileName}<folder>` : e.version.fileId);
    if (r.nextFileName === null) return out;
    startFileName = r.nextFileName;
    startFileId = r.nextFileId ?? undefined;
  }
  throw new Error('paging did not end');
}

function collapse(entries: Ref[], prefix: string, delimiter: string | undefined, key: (r: Ref) => string): string[] {
  const out: string[] = [];
  const seenFolders = new Set<string>();
  for (const r of entries) {
    const k = delimiter ? r.fileName.indexOf(delimiter, prefix.length) : -1;
    if (k >= 0) {
      const folder = r.fileName.slice(0, k + (delimiter as string).length);
      if (!seenFolders.has(folder)) out.push(`${folder}<folder>`);
      seenFolders.add(folder);
    } else out.push(key(r));
  }
  return out;
}

describe('listing order and paging match a reference model (property-based)', () => {
  it('b2_list_file_versions: by UTF-8 name, newest first, any page size, prefix and delimiter', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.constantFrom('', 'a', 'a/', 'b'), fc.boolean(), (ops, pageSize, prefix, useDelimiter) => {
        const { store, bucketId, ref } = build(ops);
        const delimiter = useDelimiter ? '/' : undefined;
        const expected = collapse(ref.filter((r) => r.fileName.startsWith(prefix)).sort(refOrder), prefix, delimiter, (r) => r.fileId);
        expect(pageAll(store, bucketId, true, pageSize, prefix, delimiter)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('b2_list_file_names: one entry per name whose newest version is an upload', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.constantFrom('', 'a', 'b/'), (ops, pageSize, prefix) => {
        const { store, bucketId, ref } = build(ops);
        const newest = new Map<string, Ref>();
        for (const r of [...ref].sort(refOrder)) if (!newest.has(r.fileName)) newest.set(r.fileName, r);
        const expected = [...newest.values()].filter((r) => r.action === 'upload' && r.fileName.startsWith(prefix)).sort(refOrder).map((r) => r.fileId);
        expect(pageAll(store, bucketId, false, pageSize, prefix)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
