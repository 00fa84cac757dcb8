import { describe, expect, it } from 'vitest';
import { acquirePidLock, writeFileAtomically, ExitCode, memoryIO, parseArgv, positiveInteger, reportError, toolParser, UsageError, GuardError, createLogger } from '../src/index.js';


const spec = { name: 'demo-tool', version: '1.2.3', usage: '$0 [options] FILE', dryRun: true, json: true };

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
    const parser = () => toolParser({ ...spec, humanReadable: true });
    const parsed = await parseArgv(parser(), ['-h'], memoryIO());
    expect(parsed.kind === 'options' && parsed.options.humanReadable).toBe(true);
    const io = memoryIO();
    expect(await parseArgv(parser(), ['--help'], io)).toEqual({ kind: 'exit', exitCode: 0 });
    expect(io.out()).toMatch(/-h, --human-readable/);
  });
  it('binds -h to help otherwise', async () => {
    const io = memoryIO();
    expect(await parseArgv(toolParser(spec), ['-h'], io)).toEqual({ kind: 'exit', exitCode: 0 });
  });
});

describe('positiveInteger', () => {
  it.each([[1, 1], [32, 32]])('accepts %d', (value, expected) => expect(positiveInteger('transfers', value)).toBe(expected));
  it.each([[0], [-3], [1.5], [Number.NaN], ['4'], [undefined]])('rejects %s with a UsageError naming the flag', (value) => {
    expect(() => positiveInteger('transfers', value)).toThrow(UsageError);
    expect(() => positiveInteger('transfers', value)).toThrow(/--transfers needs a whole number of at least 1/);
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
