import { parseArgv, toolParser, type ToolIO } from '@rclone-b2/core';
import { startEmulator, type Emulator } from './emulator.js';
import { FAULT_KINDS, parseFaultSpec, type FaultRule } from './faults.js';
import { isTestMode, TEST_MODES } from './test-mode.js';

export const VERSION = '0.1.0';

export interface CliOptions {
  port: number;
  dataDir?: string;
  keyId?: string;
  key?: string;
  fault: string[];
  seed: number;
  minimumPartSize?: number;
  restrictBucket?: string;
  testMode?: string;
}

/** Starts the server, prints URL/key id/key, and runs until `stop` resolves (SIGINT/SIGTERM in the CLI). */
export async function runEmulator(options: CliOptions, io: ToolIO, stop: Promise<unknown>, started?: (e: Emulator) => void): Promise<number> {
  let rules: FaultRule[];
  try {
    rules = options.fault.map(parseFaultSpec);
  } catch (error) {
    io.stderr.write(`b2-emulator: ${(error as Error).message}\n`);
    return 2;
  }
  const testMode = options.testMode;
  if (testMode !== undefined && !isTestMode(testMode)) {
    io.stderr.write(`b2-emulator: unknown --test-mode '${testMode}' (${TEST_MODES.join(', ')})\n`);
    return 2;
  }
  const emulator = await startEmulator({
    port: options.port,
    dataDir: options.dataDir,
    keyId: options.keyId,
    key: options.key,
    faults: { seed: options.seed, rules },
    minimumPartSize: options.minimumPartSize,
    restrictToBucket: options.restrictBucket,
    testMode,
  });
  io.stdout.write(`url: ${emulator.url}\nkeyId: ${emulator.keyId}\nkey: ${emulator.key}\n`);
  if (options.dataDir) io.stdout.write(`dataDir: ${options.dataDir}\n`);
  if (options.testMode) io.stdout.write(`testMode: ${options.testMode}\n`);
  started?.(emulator);
  await stop;
  await emulator.close();
  return 0;
}

export async function main(argv: readonly string[], io: ToolIO, stop?: Promise<unknown>): Promise<number> {
  const parser = toolParser({
    name: 'b2-emulator',
    version: VERSION,
    usage: '$0 [--port N] [--data-dir D] [--key-id ID --key KEY] [--restrict-bucket NAME] [--test-mode MODE] [--fault SPEC]... [--seed N]',
    epilogue: [
      'Serves the Backblaze B2 native API (v1-v4 paths) on 127.0.0.1 until interrupted.',
      'Fault SPEC: KIND[:p=P,every=N,ms=MS,retryAfter=S,limit=N,calls=NAME+NAME]',
      `with KIND one of ${FAULT_KINDS.join(', ')}. Example: --fault 503:p=0.1 --fault latency:ms=50`,
      '--test-mode acts as if every request carried that X-Bz-Test-Mode header (rclone: --b2-test-mode).',
    ].join('\n'),
  })
    .option('port', { type: 'number', default: 0, description: 'TCP port (0 = a free one)' })
    .option('data-dir', { type: 'string', description: 'Persist buckets and files here' })
    .option('key-id', { type: 'string', description: 'Application key id to accept' })
    .option('key', { type: 'string', description: 'Application key to accept' })
    .option('fault', { type: 'string', array: true, default: [], description: 'Inject faults (repeatable)' })
    .option('seed', { type: 'number', default: 1, description: 'Seed for probabilistic faults' })
    .option('minimum-part-size', { type: 'number', description: 'Smallest large-file part (default 5000000)' })
    .option('restrict-bucket', { type: 'string', description: 'Make the key bucket-restricted to this bucket (created if missing)' })
    .option('test-mode', { type: 'string', choices: TEST_MODES, description: 'Apply this X-Bz-Test-Mode to every request' });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options as unknown as CliOptions;
  return runEmulator({ ...o, fault: (o.fault ?? []).map(String) }, io, stop ?? new Promise<never>(() => undefined));
}
