import { choiceFlag, countFlag, integerFlag, parseArgv, stringFlag, toolParser, TOOLSET_VERSION, UsageError, type ToolIO } from '@rclone-b2/core';
import type { Emulator, EmulatorOptions } from './emulator.js';
import { FAULT_KINDS, parseFaultSpec, type FaultRule } from './faults.js';
import { TEST_MODES } from './test-mode.js';

export const VERSION = TOOLSET_VERSION;

/** Starts the server, prints URL/key id/key, and runs until `stop` resolves (SIGINT/SIGTERM in the CLI). */
export async function runEmulator(options: EmulatorOptions, io: ToolIO, stop: Promise<unknown>, started?: (e: Emulator) => void): Promise<number> {
  // Loaded only to run: --help, --version and usage errors never evaluate the server's code (start-up).
  const { startEmulator } = await import('./emulator.js');
  const emulator = await startEmulator(options);
  io.stdout.write(`url: ${emulator.url}\nkeyId: ${emulator.keyId}\nkey: ${emulator.key}\n`);
  if (options.dataDir) io.stdout.write(`dataDir: ${options.dataDir}\n`);
  if (options.testMode) io.stdout.write(`testMode: ${options.testMode}\n`);
  started?.(emulator);
  await stop;
  await emulator.close();
  return 0;
}

/** `--fault SPEC` → rule, or a usage error naming the flag and the spec as typed. */
function faultRule(spec: string): FaultRule {
  try {
    return parseFaultSpec(spec);
  } catch (error) {
    throw new UsageError(`invalid value ${JSON.stringify(spec)} for --fault: ${(error as Error).message}`);
  }
}

function parser() {
  return toolParser({
    name: 'b2-emulator',
    version: VERSION,
    usage: '$0 [--port N] [--data-dir D] [--key-id ID --key KEY] [--restrict-bucket NAME] [--test-mode MODE] [--fault SPEC]... [--seed N]',
    flags: {
      port: integerFlag('port', { min: 0, max: 65535, default: 0, description: 'TCP port (0 = a free one)' }),
      'data-dir': stringFlag({ description: 'Persist buckets and files here' }),
      'key-id': stringFlag({ description: 'Application key id to accept' }),
      key: stringFlag({ description: 'Application key to accept' }),
      fault: { type: 'string', array: true, nargs: 1, default: [], description: 'Inject faults (repeatable)' },
      seed: integerFlag('seed', { min: 0, default: 1, description: 'Seed for probabilistic faults' }),
      'minimum-part-size': countFlag('minimum-part-size', 'Smallest large-file part in bytes (default 5000000)'),
      'restrict-bucket': stringFlag({ description: 'Make the key bucket-restricted to this bucket (created if missing)' }),
      'test-mode': choiceFlag('test-mode', TEST_MODES, { description: 'Apply this X-Bz-Test-Mode to every request' }),
    },
    epilogue: [
      'Serves the Backblaze B2 native API (v1-v4 paths) on 127.0.0.1 until interrupted.',
      'Fault SPEC: KIND[:p=P,every=N,ms=MS,retryAfter=S,limit=N,calls=NAME+NAME]',
      `with KIND one of ${FAULT_KINDS.join(', ')}. Example: --fault 503:p=0.1 --fault latency:ms=50`,
      '--test-mode acts as if every request carried that X-Bz-Test-Mode header (rclone: --b2-test-mode).',
    ].join('\n'),
  });
}

export async function main(argv: readonly string[], io: ToolIO, stop?: Promise<unknown>): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options;
  if (o._.length) throw new UsageError(`unexpected argument ${JSON.stringify(String(o._[0]))}`);
  const options: EmulatorOptions = {
    port: o.port,
    dataDir: o.dataDir,
    keyId: o.keyId,
    key: o.key,
    faults: { seed: o.seed, rules: o.fault.map(faultRule) },
    minimumPartSize: o.minimumPartSize,
    restrictToBucket: o.restrictBucket,
    testMode: o.testMode,
  };
  return runEmulator(options, io, stop ?? new Promise<never>(() => undefined));
}
