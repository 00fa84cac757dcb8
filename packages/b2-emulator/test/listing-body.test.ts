import { describe, expect, it } from 'vitest';
import { listingBody } from '../src/http-util.js';

describe('listingBody', () => {
  it.each([0, 1, 63, 64, 65, 200, 1000, 1001])('serializes %i files byte for byte as JSON.stringify of the whole answer', (n) => {
    const files = Array.from({ length: n }, (_, i) => ({ fileName: `d/é${i}`, action: 'upload', contentLength: i, fileInfo: { k: `"${i}"` }, contentMd5: null }));
    const tail = { nextFileName: n > 0 ? `d/é${n}` : null, nextFileId: null };
    expect(Buffer.concat(listingBody(files, tail).parts).toString('utf8')).toBe(JSON.stringify({ files, ...tail }));
  });
});
