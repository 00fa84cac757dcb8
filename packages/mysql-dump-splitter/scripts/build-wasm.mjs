#!/usr/bin/env node
// Compiles src/row-scan.wat (the splitter's row loop) to dist/row-scan.wasm with wabt, run by
// the package's build; the tool falls back to its JavaScript loop when the file is missing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

const wabt = await wabtInit();
const module = wabt.parseWat('row-scan.wat', readFileSync('src/row-scan.wat', 'utf8'), { simd: true });
module.validate();
const { buffer } = module.toBinary({});
mkdirSync('dist', { recursive: true });
writeFileSync('dist/row-scan.wasm', buffer);
