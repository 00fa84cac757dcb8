import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseListingBody } from '../src/b2/listing-json.js';

/** A file object as B2 lists it, with a name from `name`. */
const file = (name: string, i: number): Record<string, unknown> => ({
  accountId: 'acc',
  action: i % 7 === 0 ? 'hide' : 'upload',
  bucketId: 'b'.repeat(24),
  contentLength: i * 13,
  contentSha1: 'none',
  fileId: `4_z${i}`,
  fileInfo: { src_last_modified_millis: String(1_700_000_000_000 + i), note: name.slice(0, 5) },
  fileName: name,
  fileRetention: { isClientAuthorizedToRead: true, value: { mode: null, retainUntilTimestamp: null } },
  serverSideEncryption: { algorithm: null, mode: null },
  uploadTimestamp: 1_700_000_000_000 + i,
});

const page = (names: string[]): Record<string, unknown> => ({ files: names.map(file), nextFileName: names.at(-1) ?? null, nextFileId: 'x' });

describe('parseListingBody', () => {
  // Names that look like element boundaries, escapes, non-Latin-1 text, and plain ones.
  const tricky = fc.oneof(
    fc.constantFrom('a},{b', 'x} , {y', '}\n,\n{', '"},{"fileName":"z', '\\', 'é/ü/日本語', '😀},{'),
    fc.stringMatching(/^[a-v0-9/]{20,120}$/),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );

  it('gives exactly what JSON.parse gives, compact or pretty-printed (as B2 sends it), big or small', () => {
    fc.assert(
      fc.property(fc.array(tricky, { minLength: 0, maxLength: 1500 }), fc.boolean(), (names, pretty) => {
        const text = pretty ? JSON.stringify(page(names), null, 2) : JSON.stringify(page(names));
        expect(parseListingBody(Buffer.from(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 60 },
    );
  });

  it('parses pages of well over 128 KiB, other key orders, and fails on bodies that are not JSON as JSON.parse does', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `crypt/${'q'.repeat(i % 90)}},{/${i}`);
    const text = JSON.stringify(page(names));
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(parseListingBody(Buffer.from(text))).toEqual(JSON.parse(text));
    const reordered = JSON.stringify({ nextFileName: null, files: names.map(file) });
    expect(parseListingBody(Buffer.from(reordered))).toEqual(JSON.parse(reordered));
    expect(() => parseListingBody(Buffer.from(text.slice(0, -1)))).toThrow(SyntaxError);
  });
});
