// Columns and arenas in shared memory: the text report's second thread
// (printers/text-parallel.ts) reads the tree and the sorted rows as they are, without a
// copy (copying 100 MB of fresh memory costs more page faults than printing saves).

export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}

export function sharedUint32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(4 * n));
}

export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * n));
}

export function sharedUint8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

export function sharedBytes(n: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(n));
}

/** `a[0, n)` in shared memory: itself when it is there already, else a copy. */
export function inSharedMemory<T extends Uint8Array | Int32Array | Uint32Array>(a: T, n: number, copy: (n: number) => T): T {
  const view = a.subarray(0, n) as T;
  if (a.buffer instanceof SharedArrayBuffer) return view;
  const shared = copy(n);
  shared.set(view);
  return shared;
}
