import { readFileSync } from 'node:fs';
import { isWasmMemory, WASM, WASM_PAGE, type WasmMemory } from '../wasm/wasm-api.js';

export type { WasmMemory } from '../wasm/wasm-api.js';

// Core's compiled loops (*.wat, built into dist/du/ by core's build and copied beside each
// tool's bundle): loading them, with the JavaScript paths as the fallback wherever a module
// is missing, WebAssembly is not available or RCLONE_B2_DU_WASM=0 (the tests compare both).

const modules = new Map<string, object | null>();

function compiledModule(name: string): object | null {
  let module = modules.get(name);
  if (module === undefined) {
    module = null;
    if (WASM && process.env.RCLONE_B2_DU_WASM !== '0') {
      // Beside a tool's bundle (bundle/), else in core's dist/du (from dist/du or src/du).
      for (const place of [`./${name}.wasm`, `../../dist/du/${name}.wasm`]) {
        try {
          module = new WASM.Module(readFileSync(new URL(place, import.meta.url)));
          break;
        } catch {
          // not there: the next place, else the JavaScript path
        }
      }
    }
    modules.set(name, module);
  }
  return module;
}

/** Whether compiled module `name` can be used here (tests check it is, so both paths are tested). */
export function wasmAvailable(name: string): boolean {
  return compiledModule(name) !== null;
}

/** A fresh instance's exports (its memory checked), or undefined where the module cannot be used. */
export function instantiate(name: string): { memory: WasmMemory; exports: Record<string, unknown> } | undefined {
  const module = compiledModule(name);
  if (!module || !WASM) return undefined;
  const { exports } = new WASM.Instance(module, {});
  const { memory } = exports;
  if (!isWasmMemory(memory)) return undefined;
  return { memory, exports };
}

/** An exported function, checked. */
export function isFunction<T>(value: unknown): value is T {
  return typeof value === 'function';
}

/** Grows `memory` to at least `bytes`; true if it grew (views of its old buffer are then detached). */
export function ensureMemory(memory: WasmMemory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (have >= bytes) return false;
  memory.grow(Math.ceil((bytes - have) / WASM_PAGE));
  return true;
}
