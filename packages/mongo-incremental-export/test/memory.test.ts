import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { Int32 } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { element, rawDoc } from './helpers/corpus.js';
import { startTarget, type Target } from './helpers/target.js';

const BIN = fileURLToPath(new URL('../bin/mongo-incremental-export.js', import.meta.url));
const DOCS = Number(process.env.MEM_DOCS ?? 300);
const DOC_BYTES = 1 << 20;

let target: Target;
let work: string;
beforeAll(async () => {
  target = await startTarget();
  work = await mkdtemp(join(tmpdir(), 'mie-mem-'));
});
afterAll(async () => {
  await target.close();
  await rm(work, { recursive: true, force: true });
});

describe('memory', () => {
  it.skipIf(Boolean(process.env.MONGODB_URL))('stays far below the total size of the documents (300 MiB here)', async () => {
    const db = target.newDbName();
    const filler = 'x'.repeat(DOC_BYTES);
    target.server!.insertRaw(db, 'big', Array.from({ length: DOCS }, (_, i) => rawDoc([element('_id', new Int32(i)), element('blob', `${i}${filler}`)])));
    const preload = join(work, 'maxrss.mjs');
    // VmHWM is this process's own peak RSS; getrusage's maxRSS would include the RSS of the
    // parent (this test process, holding every document in the wire server) before exec.
    await writeFile(preload, "import { readFileSync } from 'node:fs';\nprocess.on('exit', () => process.stderr.write(`VMHWM ${/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]}\\n`));\n");
    const result = await execa(process.execPath, ['--import', preload, BIN, '--out', join(work, 'out'), target.url(db)], { reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    if (process.env.MEM_DEBUG) console.log(result.stderr);
    const maxRssMiB = Number(/VMHWM (\d+)/.exec(result.stderr)?.[1]) / 1024;
    expect(maxRssMiB).toBeGreaterThan(10);
    expect(maxRssMiB).toBeLessThan(250); // measured ~150-180 MiB for 100 to 500 MiB of documents
  });
});
