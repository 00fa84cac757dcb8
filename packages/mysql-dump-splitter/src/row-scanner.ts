import { readFileSync } from 'node:fs';
import { isWasmMemory, WASM, WASM_PAGE, type WasmMemory } from '@rclone-b2/core';

// The splitter's row loop compiled to WebAssembly (row-scan.wat, built into dist/ by the
// package's build). In JavaScript, finding each newline (a native call per ~130-byte row) and
// the row hash's 48 dependent multiplies cost ~200 ns a row, 1.5 s per GB; compiled, with
// newlines found 16 bytes at a time, the same decisions take a fraction of that. Where the
// module is missing (or WebAssembly is not available), the splitter runs its JavaScript path,
// which makes the same cuts (the tests compare both).

interface ScanExports {
  memory: WasmMemory;
  lines: () => number;
  stop: () => number;
  groupBytes: () => number;
  scan: (pos: number, end: number, target: number) => number;
  group: (pos: number, end: number, target: number, max: number, bytes: number) => number;
}

/** Why a scan stopped (see row-scan.wat). */
export const ScanStop = {
  /** No complete line left at the returned position. */
  NoLine: 0,
  /** The line at the returned position is not a plain row line: the caller handles it. */
  NotRow: 1,
  /** The row line ending at the returned position is a cut point. */
  Cut: 2,
} as const;

/** The vector loads read up to 15 bytes past the data. */
const SLACK = 16;

let compiled: object | null | undefined;

function compiledModule(): object | null {
  if (compiled === undefined) {
    try {
      // dist/ and bundle/ both sit one level below the package root
      compiled = WASM ? new WASM.Module(readFileSync(new URL('../dist/row-scan.wasm', import.meta.url))) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export class RowScanner {
  private view: Uint8Array;
  lines = 0;
  stop = 0;
  groupBytes = 0;

  private constructor(private readonly wasm: ScanExports) {
    this.view = new Uint8Array(wasm.memory.buffer);
  }

  /** A scanner, or undefined where the compiled module cannot be loaded. */
  static create(): RowScanner | undefined {
    const module = compiledModule();
    if (!module || !WASM) return undefined;
    const { memory, lines, stop, groupBytes, scan, group } = new WASM.Instance(module, {}).exports;
    if (!isWasmMemory(memory) || [lines, stop, groupBytes, scan, group].some((f) => typeof f !== 'function')) return undefined;
    return new RowScanner({
      memory,
      lines: lines as ScanExports['lines'],
      stop: stop as ScanExports['stop'],
      groupBytes: groupBytes as ScanExports['groupBytes'],
      scan: scan as ScanExports['scan'],
      group: group as ScanExports['group'],
    });
  }

  /** Copies chunk into the scanner's memory, where scan() positions point. */
  load(chunk: Uint8Array): void {
    const need = chunk.length + SLACK;
    if (this.view.length < need) {
      this.wasm.memory.grow(Math.ceil((need - this.view.length) / WASM_PAGE));
      this.view = new Uint8Array(this.wasm.memory.buffer);
    }
    this.view.set(chunk);
  }

  /**
   * Walks row lines from pos up to end in the loaded chunk, cutting by target; returns where it
   * stopped, with `lines` (row lines passed) and `stop` (why) set.
   */
  scan(pos: number, end: number, target: number): number {
    const at = this.wasm.scan(pos, end, target);
    this.lines = this.wasm.lines();
    this.stop = this.wasm.stop();
    return at;
  }

  /**
   * --regroup, inside an open group: passes `(...),` row lines from pos that do not end the
   * group (regroup.ts's rule for groupTarget and groupMax, the group holding `bytes` so far);
   * returns where it stopped, with `lines`, `stop` and `groupBytes` set.
   */
  group(pos: number, end: number, groupTarget: number, groupMax: number, bytes: number): number {
    const at = this.wasm.group(pos, end, groupTarget, groupMax, bytes);
    this.lines = this.wasm.lines();
    this.stop = this.wasm.stop();
    this.groupBytes = this.wasm.groupBytes();
    return at;
  }
}
