#!/usr/bin/env node
// Compiles src/du/rclone-ls-scan.wat (tar-ls-du's `rclone ls` loop) to dist/du/rclone-ls-scan.wasm
// with wabt, run by the package's build; the du reader falls back to its JavaScript loop when
// the file is missing (see src/du/rclone-ls-scanner.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

const wabt = await wabtInit();
for (const name of ['rclone-ls-scan']) {
  const module = wabt.parseWat(`${name}.wat`, readFileSync(`src/du/${name}.wat`, 'utf8'), { simd: true, bulk_memory: true });
  module.validate();
  const { buffer } = module.toBinary({});
  mkdirSync('dist/du', { recursive: true });
  writeFileSync(`dist/du/${name}.wasm`, buffer);
}
