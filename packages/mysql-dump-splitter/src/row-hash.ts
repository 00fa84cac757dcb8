// The content-defined cut rule. A candidate boundary sits after a row (a line or an
// extended-INSERT tuple); whether to cut there depends only on that row's bytes, so
// inserting or changing a row moves no other cut.
//
// Why not a plain rolling hash over the byte stream: a gear/Rabin window ending at the row
// boundary sees only the row's last 32-48 bytes, which in real dumps are often identical
// from row to row (`...,NULL,NULL);`), so cuts clump and long stretches get none. Instead
// each row is hashed over its first 32 bytes from its opening '(' (the primary key is
// there) and its last 16 bytes, mixed with its length: O(1) per row, whatever its length.

const HEAD = 32;
const TAIL = 16;

function mix(h: number, from: number, to: number, buf: Uint8Array): number {
  let x = h;
  for (let i = from; i < to; i += 1) x = Math.imul(x ^ (buf[i] as number), 0x01000193);
  return x;
}

export function rowHash(buf: Uint8Array, start: number, end: number): number {
  let open = start;
  if (buf[start] !== 0x28) {
    const limit = Math.min(end, start + 512);
    while (open < limit && buf[open] !== 0x28) open += 1;
    if (open === limit) open = start;
  }
  const headEnd = Math.min(end, open + HEAD);
  let h = mix(0x811c9dc5 ^ (end - start), open, headEnd, buf);
  h = mix(h, Math.max(headEnd, end - TAIL), end, buf);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Cut after a row of `length` bytes with probability length/target, so pieces average
 * `target` bytes whatever the row length.
 */
export function isCutPoint(hash: number, length: number, target: number): boolean {
  return hash < (length / target) * 4294967296;
}
