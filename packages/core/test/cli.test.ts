import { describe, expect, it } from 'vitest';
import { acquirePidLock, writeFileAtomically, ExitCode, memoryIO, parseArgv, countFlag, choiceFlag, integerFlag, reportError, toolParser, UsageError, GuardError, createLogger, DRY_RUN_FLAG, JSON_FLAG, HUMAN_READABLE_FLAG } from '../src/index.js';


const spec = { name: 'demo-tool', version: '1.2.3', usage: '$0 [options] FILE', flags: { ...DRY_RUN_FLAG, ...JSON_FLAG } };

describe('toolParser/parseArgv', () => {
  it('parses the common flags', async () => {
    const io = memoryIO();
    const result = await parseArgv(toolParser(spec), ['-vv', '-n', '--json', 'x'], io);
    expect(result.kind).toBe('options');
    if (result.kind === 'options') {
      expect(result.options).toMatchObject({ verbose: 2, dryRun: true, json: true, quiet: false });
    }
  });
  it('accepts --dryrun as rclone spells it', async () => {
    const result = await parseArgv(toolParser(spec), ['--dryrun'], memoryIO());
    expect(result.kind === 'options' && result.options.dryRun).toBe(true);
  });
  it('prints help with an EXIT STATUS section to stdout', async () => {
    const io = memoryIO();
    expect(await parseArgv(toolParser(spec), ['--help'], io)).toEqual({ kind: 'exit', exitCode: 0 });
    expect(io.out()).toMatch(/EXIT STATUS/);
    expect(io.out()).toMatch(/--dry-run/);
  });
  it('prints the version', async () => {
    const io = memoryIO();
    await parseArgv(toolParser(spec), ['--version'], io);
    expect(io.out().trim()).toBe('1.2.3');
  });
  it('turns unknown flags into a UsageError', async () => {
    await expect(parseArgv(toolParser(spec), ['--bogus'], memoryIO())).rejects.toBeInstanceOf(UsageError);
  });
});

describe('reportError', () => {
  it.each([
    [new UsageError('bad flag'), ExitCode.Usage, 'demo-tool: bad flag\n'],
    [new GuardError('source is empty'), ExitCode.Guard, 'demo-tool: source is empty\n'],
    [new Error('boom'), ExitCode.Problem, 'demo-tool: boom\n'],
  ])('%s → exit %d', (error, code, text) => {
    const io = memoryIO();
    expect(reportError('demo-tool', error, io, false)).toBe(code);
    expect(io.err()).toBe(text);
  });
});

describe('createLogger', () => {
  it('honours verbosity and redacts secrets', () => {
    const io = memoryIO();
    const log = createLogger({ tool: 't', stream: io.stderr, verbosity: 1, secrets: ['hunter22'] });
    log.info('key is hunter22');
    log.debug('hidden');
    expect(io.err()).toBe('t: key is ***\n');
  });
});

describe('toolParser humanReadable', () => {
  it('frees -h for --human-readable and keeps --help', async () => {
    const parser = () => toolParser({ ...spec, flags: { ...spec.flags, ...HUMAN_READABLE_FLAG } });
    const parsed = await parseArgv(parser(), ['-h'], memoryIO());
    expect(parsed.kind === 'options' && parsed.options.humanReadable).toBe(true);
    const io = memoryIO();
    expect(await parseArgv(parser(), ['--help'], io)).toEqual({ kind: 'exit', exitCode: 0 });
    expect(io.out()).toMatch(/-h, --human-readable/);
  });
  it('never binds -h to help: a tool without sizes refuses it', async () => {
    await expect(parseArgv(toolParser(spec), ['-h'], memoryIO())).rejects.toThrow('unknown option -h (see --help)');
  });
});

describe('strict flag values, named as typed', () => {
  const parser = () =>
    toolParser({
      ...spec,
      flags: {
        top: countFlag('top', 'Only the N largest'),
        depth: integerFlag('depth', { alias: 'd', min: 0, description: 'Depth' }),
        transfers: countFlag('transfers', 'Parallel calls', 4),
        mode: choiceFlag('mode', ['download', 'hash'], { description: 'How', default: 'download' }),
        'max-delete': countFlag('max-delete', 'At most N deletions'),
      },
    });
  const refuse = async (argv: string[]) => {
    const error = await parseArgv(parser(), argv, memoryIO()).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  };
  it.each([
    [['--top', 'abc'], 'invalid value "abc" for --top: expected a whole number of at least 1'],
    [['--top=0'], 'invalid value "0" for --top: expected a whole number of at least 1'],
    [['--top', '-1'], 'invalid value "-1" for --top: expected a whole number of at least 1'],
    [['--top', '1e3'], 'invalid value "1e3" for --top: expected a whole number of at least 1'],
    [['--top', '0x10'], 'invalid value "0x10" for --top: expected a whole number of at least 1'],
    [['--top', '2.5'], 'invalid value "2.5" for --top: expected a whole number of at least 1'],
    [['-d', '-1'], 'invalid value "-1" for -d: expected a whole number of at least 0'],
    [['--max-delete', 'x'], 'invalid value "x" for --max-delete: expected a whole number of at least 1'],
    [['--mode', 'foo'], 'invalid value "foo" for --mode: expected one of download, hash'],
    [['--mode', 'hash', '--mode', 'foo'], 'invalid value "foo" for --mode: expected one of download, hash'],
    [['--frobnicate'], 'unknown option --frobnicate (see --help)'],
    [['--frob-nicate=3'], 'unknown option --frob-nicate (see --help)'],
    [['-Z'], 'unknown option -Z (see --help)'],
    [['--top'], '--top needs a value'],
  ])('%j → %s', async (argv, message) => {
    expect(await refuse(argv)).toBe(message);
  });
  it('types the parsed values from the definitions', async () => {
    const parsed = await parseArgv(parser(), ['--top', '7', '-d', '0', '--mode', 'hash', '--transfers', '2', '--transfers', '3', 'x'], memoryIO());
    if (parsed.kind !== 'options') throw new Error('expected options');
    const { top, depth, transfers, mode, _ } = parsed.options;
    const typed: { top: number | undefined; depth: number | undefined; transfers: number; mode: 'download' | 'hash' } = { top, depth, transfers, mode };
    expect(typed).toEqual({ top: 7, depth: 0, transfers: 3, mode: 'hash' });
    expect(_).toEqual(['x']);
  });
  it('applies and checks defaults', async () => {
    const parsed = await parseArgv(parser(), [], memoryIO());
    expect(parsed.kind === 'options' && [parsed.options.transfers, parsed.options.mode, parsed.options.top]).toEqual([4, 'download', undefined]);
  });
});

describe('boolean flags and --no- forms', () => {
  it.each([
    [['--json=maybe'], 'invalid value "maybe" for --json: expected no value, or true or false'],
    [['--dry-run=yes'], 'invalid value "yes" for --dry-run: expected no value, or true or false'],
    [['--no-json=1'], 'invalid value "1" for --no-json: expected no value, or true or false'],
    [['--no-frobnicate'], 'unknown option --no-frobnicate (see --help)'],
  ])('%j → %s', async (argv, message) => {
    await expect(parseArgv(toolParser(spec), argv, memoryIO())).rejects.toThrow(new UsageError(message));
  });
  it('accepts =true and =false', async () => {
    const parsed = await parseArgv(toolParser(spec), ['--json=false', '--dry-run=true'], memoryIO());
    expect(parsed.kind === 'options' && [parsed.options.json, parsed.options.dryRun]).toEqual([false, true]);
  });
});

describe('createLogger -q', () => {
  it('silences warnings but not errors', () => {
    const io = memoryIO();
    const log = createLogger({ tool: 't', stream: io.stderr, verbosity: -1 });
    log.warn('a warning');
    log.error('an error');
    expect(io.err()).toBe('t: an error\n');
  });
});

describe('acquirePidLock', () => {
  it('refuses a live holder (exit 3), takes over a dead one, and releases', async () => {
    const { mkdtemp, writeFile, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'pid-lock-'));
    const path = join(dir, 'x.lock');
    await writeFile(path, `${process.ppid}\n`);
    await expect(acquirePidLock(path, (pid) => `busy ${pid}`)).rejects.toMatchObject({ exitCode: 3, message: `busy ${process.ppid}` });
    await writeFile(path, '999999999\n');
    const release = await acquirePidLock(path, () => 'busy');
    expect((await readFile(path, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await release();
    await expect(readFile(path, 'utf8')).rejects.toThrow();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('writeFileAtomically', () => {
  it('writes strings and streams of pieces, leaving no temporary file', async () => {
    const { mkdtemp, readFile, readdir, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const path = join(dir, 'f.txt');
    await writeFileAtomically(path, 'old\n');
    async function* pieces() {
      for (let i = 0; i < 3; i++) yield `line ${i}\n`;
    }
    await writeFileAtomically(path, pieces());
    expect(await readFile(path, 'utf8')).toBe('line 0\nline 1\nline 2\n');
    expect(await readdir(dir)).toEqual(['f.txt']);
    async function* failing() {
      yield 'partial';
      throw new Error('source broke');
    }
    await expect(writeFileAtomically(path, failing())).rejects.toThrow('source broke');
    expect(await readFile(path, 'utf8')).toBe('line 0\nline 1\nline 2\n');
    expect(await readdir(dir)).toEqual(['f.txt']);
    await rm(dir, { recursive: true, force: true });
  });
});
