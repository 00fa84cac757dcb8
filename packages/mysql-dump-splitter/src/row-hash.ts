// The content-defined cut rule. A candidate boundary sits after a row (a line or an
// extended-INSERT tuple); whether to cut there depends only on that row's bytes, so
// inserting or changing a row moves no other cut. The row is hashed with a gear hash
// (the rolling hash of FastCDC) over its first and last SAMPLE bytes: O(1) per row
// whatever its length, and the row's start (usually its primary key) is always included.

const SAMPLE = 64;
const GEAR = new Int32Array(256);
for (let i = 0; i < 256; i += 1) {
  let x = Math.imul(i + 0x9e37, 0x85ebca6b) ^ 0xc2b2ae35;
  x = Math.imul(x ^ (x >>> 13), 0x27d4eb2f);
  GEAR[i] = x ^ (x >>> 16);
}

export function rowHash(buf: Uint8Array, start: number, end: number): number {
  let h = end - start;
  const headEnd = Math.min(end, start + SAMPLE);
  for (let i = start; i < headEnd; i += 1) h = ((h << 1) + (GEAR[buf[i] as number] as number)) | 0;
  for (let i = Math.max(headEnd, end - SAMPLE); i < end; i += 1) h = ((h << 1) + (GEAR[buf[i] as number] as number)) | 0;
  // final avalanche so every bit depends on the whole sample
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
