import { ensureMemory, instantiate, isFunction, wasmAvailable, type WasmMemory } from './wasm-module.js';
import type { ScannedLines } from './tree.js';

// The `rclone ls` line loop compiled to WebAssembly (rclone-ls-scan.wat, see wasm-module.ts). In JavaScript each line
// costs a byte loop over its directory's path (~130 bytes on real listings) to see that it
// is the previous line's directory, and a copy of its name byte by byte; compiled, the
// comparison runs 16 bytes at a time and a whole run of one directory's names reaches the
// tree in a few native copies. Where the module is missing, WebAssembly is not available or
// RCLONE_B2_DU_WASM=0, the JavaScript parser takes every line (the tests compare both).

type ScanFunction = (p: number, end: number, dir: number, dirLength: number, last: number, lastLength: number, names: number, sizes: number, ends: number, marks: number) => number;

/** The vector loads read up to 15 bytes past the data. */
const SLACK = 16;
/** The shortest line the scanner takes, `0 x\n`: a chunk of n bytes holds at most n/4 of them. */
const SHORTEST_LINE = 4;

/** Whether the compiled scanner can be used here (tests check that it is, so both paths are tested). */
export function rcloneLsScannerAvailable(): boolean {
  return wasmAvailable('rclone-ls-scan');
}

/**
 * One chunk at a time in wasm memory: the chunk at 0, then the packed names, sizes, name
 * ends and directory marks the scan writes, then the starting directory's prefix and its
 * last name.
 */
export class RcloneLsScanner implements ScannedLines {
  private view: Uint8Array;
  private namesAt = 0;
  private sizesAt = 0;
  private endsAt = 0;
  private marksAt = 0;
  private dirAt = 0;
  private dirLength = 0;
  private lastAt = 0;
  private lastLength = -1;
  /** After scan(), the taken lines (ScannedLines): views of the whole memory and where the run is in them. */
  names: Uint8Array;
  namesStart = 0;
  ends: Uint32Array;
  endsStart = 0;
  sizes: Float64Array;
  sizesStart = 0;
  marks: Int32Array;
  marksStart = 0;
  count = 0;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly run: ScanFunction,
    private readonly taken: () => number,
  ) {
    this.view = this.names = new Uint8Array(memory.buffer);
    this.ends = new Uint32Array(memory.buffer);
    this.sizes = new Float64Array(memory.buffer);
    this.marks = new Int32Array(memory.buffer);
  }

  /** A scanner, or undefined where the compiled module cannot be used. */
  static create(): RcloneLsScanner | undefined {
    const instance = instantiate('rclone-ls-scan');
    if (!instance) return undefined;
    const { scan, count } = instance.exports;
    if (!isFunction<ScanFunction>(scan) || !isFunction<() => number>(count)) return undefined;
    return new RcloneLsScanner(instance.memory, scan, count);
  }

  /** Copies `chunk` to the scanner's memory (positions in scan() are the chunk's). */
  load(chunk: Uint8Array): void {
    const n = chunk.length;
    const maxLines = Math.floor(n / SHORTEST_LINE) + 2;
    this.namesAt = align(n + SLACK, 16);
    this.sizesAt = align(this.namesAt + n + SLACK, 8);
    this.endsAt = this.sizesAt + 8 * maxLines;
    this.marksAt = align(this.endsAt + 4 * maxLines, 8);
    this.dirAt = align(this.marksAt + 8 * maxLines, 16);
    this.namesStart = this.namesAt;
    this.endsStart = this.endsAt / 4;
    this.sizesStart = this.sizesAt / 8;
    this.marksStart = this.marksAt / 4;
    this.ensure(this.dirAt + SLACK);
    this.view.set(chunk);
    this.view.fill(0, n, n + SLACK);
  }

  /** Sets the directory lines must be in (its path and `/`, '' for the root) and its last name (undefined: none yet). */
  setDirectory(prefix: Uint8Array, lastName: Uint8Array | undefined): void {
    this.dirLength = prefix.length;
    this.lastAt = this.dirAt + prefix.length;
    this.lastLength = lastName === undefined ? -1 : lastName.length;
    this.ensure(this.lastAt + (lastName?.length ?? 0) + SLACK);
    this.view.set(prefix, this.dirAt);
    if (lastName !== undefined) this.view.set(lastName, this.lastAt);
  }

  /** Takes lines from `p` to `end` (see the .wat); returns where it stopped, `count` lines taken. */
  scan(p: number, end: number): number {
    const at = this.run(p, end, this.dirAt, this.dirLength, this.lastLength < 0 ? -1 : this.lastAt, Math.max(0, this.lastLength), this.namesAt, this.sizesAt, this.endsAt, this.marksAt);
    this.count = this.taken();
    return at;
  }

  private ensure(bytes: number): void {
    if (!ensureMemory(this.memory, bytes)) return;
    this.view = this.names = new Uint8Array(this.memory.buffer);
    this.ends = new Uint32Array(this.memory.buffer);
    this.sizes = new Float64Array(this.memory.buffer);
    this.marks = new Int32Array(this.memory.buffer);
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
