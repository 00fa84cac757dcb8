import { readFileSync } from 'node:fs';
import type { ScannedLines } from './tree.js';

// The `rclone ls` line loop compiled to WebAssembly (rclone-ls-scan.wat, built into
// dist/du/ by core's build and copied beside each tool's bundle). In JavaScript each line
// costs a byte loop over its directory's path (~130 bytes on real listings) to see that it
// is the previous line's directory, and a copy of its name byte by byte; compiled, the
// comparison runs 16 bytes at a time and a whole run of one directory's names reaches the
// tree in a few native copies. Where the module is missing, WebAssembly is not available or
// RCLONE_B2_DU_WASM=0, the JavaScript parser takes every line (the tests compare both).

// The project's TypeScript libs (ES2023, node) do not declare WebAssembly: the little used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

type ScanFunction = (p: number, end: number, dir: number, dirLength: number, last: number, lastLength: number, names: number, sizes: number, ends: number, marks: number) => number;

function isMemory(value: unknown): value is WasmMemory {
  return typeof value === 'object' && value !== null && 'buffer' in value && value.buffer instanceof ArrayBuffer && 'grow' in value && typeof value.grow === 'function';
}

function isFunction<T>(value: unknown): value is T {
  return typeof value === 'function';
}

const PAGE = 65536;
/** The vector loads read up to 15 bytes past the data. */
const SLACK = 16;
/** The shortest line the scanner takes, `0 x\n`: a chunk of n bytes holds at most n/4 of them. */
const SHORTEST_LINE = 4;

let compiled: object | null | undefined;

/** The compiled module, or null (not built, no WebAssembly, or switched off). */
function compiledModule(): object | null {
  if (compiled === undefined) {
    compiled = null;
    if (WASM && process.env.RCLONE_B2_DU_WASM !== '0') {
      // Beside a tool's bundle (bundle/), else in core's dist/du (from dist/du or src/du).
      for (const place of ['./rclone-ls-scan.wasm', '../../dist/du/rclone-ls-scan.wasm']) {
        try {
          compiled = new WASM.Module(readFileSync(new URL(place, import.meta.url)));
          break;
        } catch {
          // not there: the next place, else the JavaScript parser
        }
      }
    }
  }
  return compiled;
}

/** Whether the compiled scanner can be used here (tests check that it is, so both paths are tested). */
export function rcloneLsScannerAvailable(): boolean {
  return compiledModule() !== null;
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
    const module = compiledModule();
    if (!module || !WASM) return undefined;
    const { memory, scan, count } = new WASM.Instance(module, {}).exports;
    if (!isMemory(memory) || !isFunction<ScanFunction>(scan) || !isFunction<() => number>(count)) return undefined;
    return new RcloneLsScanner(memory, scan, count);
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
    if (this.view.length >= bytes) return;
    this.memory.grow(Math.ceil((bytes - this.view.length) / PAGE));
    this.view = this.names = new Uint8Array(this.memory.buffer);
    this.ends = new Uint32Array(this.memory.buffer);
    this.sizes = new Float64Array(this.memory.buffer);
    this.marks = new Int32Array(this.memory.buffer);
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
