import { describe, expect, it } from 'vitest';
import { ByteLines } from '../src/text/byte-lines.js';

describe('ByteLines', () => {
  it('gives the lines of any chunking: lines across chunks, CRLF, no final newline', () => {
    const text = 'a\r\nbb\n\nünï😀\nlast';
    const bytes = Buffer.from(text);
    for (let size = 1; size <= bytes.length; size++) {
      const got: string[] = [];
      const lines = new ByteLines((buf, start, end) => got.push(buf.toString('utf8', start, end)));
      for (let at = 0; at < bytes.length; at += size) lines.push(bytes.subarray(at, at + size));
      lines.end();
      expect(got).toEqual(['a', 'bb', '', 'ünï😀', 'last']);
    }
  });
});
