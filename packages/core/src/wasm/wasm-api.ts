// The little of WebAssembly the compiled loops use (the project's TypeScript libs, ES2023 and
// node, do not declare it), shared by core's du loops and the splitter's row scan.

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The WebAssembly global, or undefined where the runtime has none. */
export const WASM = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export const WASM_PAGE = 65536;

/** Whether an export is a memory (checked before its buffer is used). */
export function isWasmMemory(value: unknown): value is WasmMemory {
  return typeof value === 'object' && value !== null && 'buffer' in value && value.buffer instanceof ArrayBuffer && 'grow' in value && typeof value.grow === 'function';
}
