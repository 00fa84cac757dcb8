// Byte-level scanning of INSERT statements as mysqldump writes them: values are numbers,
// NULL, hex literals or quoted strings whose quotes are escaped (\\' or ''), and raw
// newlines never occur inside them.

const VALUES = Buffer.from('VALUES');

export function skipSpace(buf: Buffer, i: number, end: number): number {
  let j = i;
  while (j < end) {
    const c = buf[j];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    j += 1;
  }
  return j;
}

/** Position after `VALUES` outside backquotes, or -1. */
export function findValues(buf: Buffer, start: number, end: number): number {
  let inQuote = false;
  for (let i = start; i < end; i += 1) {
    const c = buf[i];
    if (c === 0x60) inQuote = !inQuote;
    else if (!inQuote && c === 0x56 && buf.subarray(i, i + VALUES.length).equals(VALUES)) return i;
  }
  return -1;
}

/** From the '(' at start, the position after its matching ')', honouring quoted strings. */
export function scanRow(buf: Buffer, start: number, end: number): number {
  let depth = 0;
  let i = start;
  while (i < end) {
    const c = buf[i];
    if (c === 0x27 || c === 0x22) {
      i += 1;
      for (;;) {
        if (i >= end) return -1;
        const d = buf[i];
        if (d === 0x5c) i += 2;
        else if (d === c) {
          if (buf[i + 1] === c) i += 2;
          else break;
        } else i += 1;
      }
    } else if (c === 0x28) depth += 1;
    else if (c === 0x29) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
  return -1;
}
