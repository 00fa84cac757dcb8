import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runInMemory } from '@rclone-b2/core';
import { nightlyMain } from '../src/nightly-main.js';
import { unitFiles, type UnitKind } from '../src/units.js';
import { cleanup, memoryIO, tempDir } from './helpers.js';

/**
 * Units for configs with awkward paths: generated, then read back the way systemd, cron
 * and /bin/sh read them, giving exactly the intended argv, or refused with a reason.
 */

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

/** Paths that need quoting or escaping somewhere: each must come back unchanged. */
const AWKWARD = [
  '/srv/plain',
  '/srv/with space/and  two',
  "/srv/it's",
  '/srv/say "cheese"',
  '/srv/100%/%h %n %%',
  '/srv/$HOME/${USER}/$$',
  '/srv/back\\slash\\',
  '/srv/back\\%slash',
  '/srv/semi;colon/;',
  '/srv/tab\there',
  '/srv/new\nline',
  '/srv/ünïcödé/😀',
  "/srv/mix '\"$%\\ end",
];

// ---- systemd: ExecStart= read back per systemd.service(5) and systemd.syntax(7) ----

/** The specifiers our units use on purpose, with made-up values; any other is an error. */
const SPECIFIERS: Record<string, string> = { '%': '%', E: '/home/u/.config', S: '/home/u/.local/state' };

const C_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };

/** A word's C escapes: \n \t \\ \" \' \s \xHH \NNN (octal) \uHHHH \UHHHHHHHH. */
function cUnescape(text: string, at: number): [string, number] {
  const c = text[at] ?? '';
  if (c in C_ESCAPES) return [C_ESCAPES[c] ?? '', at + 1];
  if (c === 'x') return [String.fromCharCode(parseInt(text.slice(at + 1, at + 3), 16)), at + 3];
  if (c === 'u') return [String.fromCodePoint(parseInt(text.slice(at + 1, at + 5), 16)), at + 5];
  if (c === 'U') return [String.fromCodePoint(parseInt(text.slice(at + 1, at + 9), 16)), at + 9];
  if (/[0-7]/.test(c)) return [String.fromCharCode(parseInt(text.slice(at, at + 3), 8)), at + 3];
  throw new Error(`unknown escape \\${c}`);
}

/**
 * ExecStart= → argv. Specifiers first, on the whole value; then words split at
 * whitespace, a word wholly quoted in "…" or '…' (the closing quote followed by
 * whitespace or the end), C escapes inside and outside quotes; then, in arguments but
 * not the executable, `$$` → `$` (a lone `$NAME` would be a variable: an error here).
 */
function parseExecStart(value: string): string[] {
  const expanded = value.replace(/%(.)/g, (_, s: string) => {
    if (!(s in SPECIFIERS)) throw new Error(`unexpected specifier %${s}`);
    return SPECIFIERS[s] ?? '';
  });
  const words: string[] = [];
  let i = 0;
  while (i < expanded.length) {
    while (/\s/.test(expanded[i] ?? '')) i++;
    if (i >= expanded.length) break;
    let word = '';
    const quote = expanded[i] === '"' || expanded[i] === "'" ? expanded[i] : undefined;
    if (quote) i++;
    for (;;) {
      const c = expanded[i];
      if (c === undefined) {
        if (quote) throw new Error('unbalanced quote');
        break;
      }
      if (quote && c === quote) {
        i++;
        if (i < expanded.length && !/\s/.test(expanded[i] ?? '')) throw new Error('text after a closing quote');
        break;
      }
      if (!quote && /\s/.test(c)) break;
      if (!quote && c === ';' && word === '' && !/\S/.test(expanded[i + 1] ?? '')) throw new Error('a lone ; separates commands');
      if (c === '\\') {
        const [text, next] = cUnescape(expanded, i + 1);
        word += text;
        i = next;
        continue;
      }
      word += c;
      i++;
    }
    words.push(word);
  }
  return words.map((word, n) =>
    n === 0
      ? word
      : word.replace(/\$(\$|\{?\w*)/g, (_, what: string) => {
          if (what === '$') return '$';
          throw new Error(`unexpected variable $${what}`);
        }),
  );
}

const execStartOf = (text: string): string => {
  const line = text.split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error('no ExecStart=');
  return line.slice('ExecStart='.length);
};

const flagsFor = (path: string): string[] => ['--config-dir', path, '--state-dir', `${path}/state`, '--log-file', `${path}/log`];

describe('systemd units for awkward paths', () => {
  it('the test unquoter reads systemd quoting as the man page says', () => {
    expect(parseExecStart(`/bin/x "a b" 'c "d"' e\\x41 "\\\\" %%h $$X`)).toEqual(['/bin/x', 'a b', 'c "d"', 'eA', '\\', '%h', '$X']);
    expect(() => parseExecStart('/bin/x "a')).toThrow(/unbalanced/);
    expect(() => parseExecStart('/bin/x $HOME')).toThrow(/variable/);
    expect(() => parseExecStart('/bin/x %h')).toThrow(/specifier/);
  });

  it.each(AWKWARD)('ExecStart gives back the argv exactly: %j', (path) => {
    const bin = `/opt/my tools/100%/$bin/rclone-backup-nightly`;
    for (const kind of ['systemd', 'systemd-user'] as const) {
      const service = unitFiles(kind, bin, flagsFor(path))[0];
      const argv = parseExecStart(execStartOf(service?.text ?? ''));
      const userDefaults = kind === 'systemd-user' ? ['--defaults-file', '/home/u/.config/default/rclone-backups'] : [];
      expect(argv).toEqual([bin, ...userDefaults, ...flagsFor(path)]);
    }
  });

  it('the per-user unit keeps its %E/%S defaults for the directories not given', () => {
    const argv = parseExecStart(execStartOf(unitFiles('systemd-user', '/usr/bin/n', ['--state-dir', '/srv/s %S'])[0]?.text ?? ''));
    expect(argv).toEqual(['/usr/bin/n', '--config-dir', '/home/u/.config/rclone-backups', '--defaults-file', '/home/u/.config/default/rclone-backups', '--state-dir', '/srv/s %S']);
  });

  it.each([
    ["/opt/it's/nightly", /systemd refuses an executable whose path contains quotes/],
    ['/opt/back\\slash/nightly', /systemd refuses an executable/],
    ['/opt/new\nline/nightly', /systemd refuses an executable/],
    ['relative/nightly', /must be absolute/],
  ])('refuses a runner path systemd cannot run: %j', (bin, message) => {
    expect(() => unitFiles('systemd', bin)).toThrow(message);
  });

  const analyze = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).stdout.trim();
  const title = `systemd-analyze verify accepts the system and user units${analyze ? '' : ' (SKIPPED: systemd-analyze is not installed; Debian package systemd)'}`;
  it.skipIf(!analyze)(title, () => {
    const root = tempDir('rb-units-');
    dirs.push(root);
    // An executable at an awkward path: systemd-analyze checks that it resolves to a real file.
    const binDir = join(root, 'my tools', '100% $sure', 'ünï');
    mkdirSync(binDir, { recursive: true });
    const bin = join(binDir, 'rclone-backup-nightly');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    // --user needs a runtime directory, which a test machine may lack.
    const runtime = join(root, 'runtime');
    mkdirSync(runtime, { mode: 0o700 });
    for (const [n, path] of AWKWARD.entries()) {
      for (const kind of ['systemd', 'systemd-user'] as const) {
        const dir = join(root, `${kind}-${n}`);
        mkdirSync(dir);
        const units = unitFiles(kind, bin, flagsFor(path));
        for (const unit of units) writeFileSync(join(dir, unit.name), unit.text);
        const args = [...(kind === 'systemd-user' ? ['--user'] : []), 'verify', ...units.map((u) => join(dir, u.name))];
        const result = spawnSync(analyze, args, { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning', XDG_RUNTIME_DIR: runtime } });
        const output = `${result.stdout}${result.stderr}`;
        expect({ kind, path, status: result.status, output }).toEqual({ kind, path, status: 0, output: '' });
      }
    }
  }, 180_000);
});

// ---- cron: the cron.daily script (run by /bin/sh) and the cron.d line ----

/** An executable that prints its arguments as JSON, at an awkward path of its own. */
function argvPrinter(): string {
  const root = tempDir('rb-cron-');
  dirs.push(root);
  const dir = join(root, "my bin's \"dir\" 100% $x \\ \n ü");
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, 'print-argv');
  writeArgvPrinter(bin);
  return bin;
}

/**
 * What cron (cronie, Vixie cron) does to a command before /bin/sh: the first unescaped
 * `%` ends the command (the rest becomes stdin), `\%` becomes `%`, any other backslash
 * stays with the character after it.
 */
function cronCommand(command: string): string {
  let out = '';
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === '\\') {
      const next = command[i + 1];
      if (next === undefined) return `${out}\\`;
      out += next === '%' ? '%' : `\\${next}`;
      i++;
    } else if (c === '%') {
      return out;
    } else {
      out += c;
    }
  }
  return out;
}

/** A cron.d entry: five time fields, the user, then the command. */
function cronEntry(text: string): { user: string; command: string } {
  const line = text.split('\n').find((l) => /^\d/.test(l)) ?? '';
  const m = /^(\S+\s+){5}(\S+)\s+(.*)$/.exec(line);
  return { user: m?.[2] ?? '', command: m?.[3] ?? '' };
}

describe('cron files for awkward paths', () => {
  const bin = argvPrinter();

  it('the test cron reader treats % and \\% as cron does', () => {
    expect(cronCommand('echo a\\%b%stdin')).toBe('echo a%b');
    expect(cronCommand('echo \\x')).toBe('echo \\x');
  });

  it.each(AWKWARD)('the cron.daily script passes the path exactly: %j', (path) => {
    const script = unitFiles('cron', bin, flagsFor(path))[0]?.text ?? '';
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    const argv = JSON.parse(execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' })) as string[];
    expect(argv).toEqual(['-q', ...flagsFor(path)]);
  });

  it.each(AWKWARD.filter((p) => !p.includes('\n')))('the cron.d line passes the path exactly: %j', (path) => {
    const cronBin = bin.replace(/\n/g, ' ');
    const { user, command } = cronEntry(unitFiles('cron.d', '/usr/local/bin/rclone-backup-nightly', flagsFor(path))[0]?.text ?? '');
    expect(user).toBe('root');
    // Run it with the printer in place of the runner; a cron line cannot name a path with a newline.
    writeArgvPrinter(cronBin);
    const runnable = cronCommand(command).replace('/usr/local/bin/rclone-backup-nightly', `'${cronBin.replace(/'/g, `'\\''`)}'`);
    const argv = JSON.parse(execFileSync('/bin/sh', ['-c', runnable], { encoding: 'utf8' })) as string[];
    expect(argv).toEqual(['-q', ...flagsFor(path)]);
  });

  it('the cron.d line quotes the runner path too, % included', () => {
    const runner = bin.replace(/\n/g, ' ');
    writeArgvPrinter(runner);
    const { command } = cronEntry(unitFiles('cron.d', runner, ['--config-dir', '/srv/a%b'])[0]?.text ?? '');
    expect(JSON.parse(execFileSync('/bin/sh', ['-c', cronCommand(command)], { encoding: 'utf8' }))).toEqual(['-q', '--config-dir', '/srv/a%b']);
  });

  it('refuses a line break in a cron.d line, saying why', () => {
    expect(() => unitFiles('cron.d', '/usr/bin/n', ['--config-dir', '/srv/new\nline'])).toThrow(/a crontab line cannot hold a path with a line break: "\/srv\/new\\nline"; use the cron.daily script or systemd/);
  });
});

/** An executable at `path` that prints its arguments as JSON. */
function writeArgvPrinter(path: string): void {
  const dir = path.slice(0, path.lastIndexOf('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `#!${process.execPath}\nprocess.stdout.write(JSON.stringify(process.argv.slice(2)));\n`);
  chmodSync(path, 0o755);
}

describe('--print-units/--install-units with awkward paths', () => {
  it.each(['systemd', 'systemd-user', 'cron', 'cron.d'] as UnitKind[])('refuses a path that is not UTF-8 (%s)', async (kind) => {
    // What Node makes of the bytes "/srv/caf\xe9" (Latin-1) in argv: a U+FFFD.
    const latin1 = Buffer.from([0x2f, 0x73, 0x72, 0x76, 0x2f, 0x63, 0x61, 0x66, 0xe9]).toString('utf8');
    const result = await runInMemory('rclone-backup-nightly', nightlyMain, ['--print-units', kind, '--config-dir', latin1], memoryIO());
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/^rclone-backup-nightly: the path "\/srv\/caf\uFFFD" is not valid UTF-8 \(or contains U\+FFFD\); rename it, or use a symlink with a UTF-8 name\n$/);
    expect(result.out).toBe('');
  });

  it('writes the flags given (made absolute) into the units, and not the defaults', async () => {
    const io = memoryIO();
    const cwd = '/srv/base dir';
    const result = await runInMemory('rclone-backup-nightly', nightlyMain, ['--print-units', 'systemd', '--bin', '/opt/n', '--config-dir', 'my 100% configs', '--state-dir', '/var/lib/rclone-backups', '--budget', '2G', '--jobs', '2'], { ...io, cwd });
    expect(result.code).toBe(0);
    expect(parseExecStart(execStartOf(result.out))).toEqual(['/opt/n', '--config-dir', '/srv/base dir/my 100% configs', '--budget', '2G', '--jobs', '2']);
  });

  it('refuses to write a health-check URL (a secret) into a unit', async () => {
    const result = await runInMemory('rclone-backup-nightly', nightlyMain, ['--print-units', 'systemd', '--healthcheck-url', 'https://hc-ping.com/0f3c-secret'], memoryIO());
    expect(result.code).toBe(2);
    expect(result.err).not.toContain('0f3c-secret');
    expect(result.err).toMatch(/put HEALTHCHECK_URL= in the defaults file/);
  });

  it('refuses a bad --budget now rather than at night', async () => {
    const result = await runInMemory('rclone-backup-nightly', nightlyMain, ['--print-units', 'cron', '--budget', 'lots'], memoryIO());
    expect(result.code).toBe(2);
  });

  it('an install directory that cannot be made: one line, exit 1', async () => {
    const dir = tempDir('rb-units-');
    dirs.push(dir);
    writeFileSync(join(dir, 'file'), '');
    const result = await runInMemory('rclone-backup-nightly', nightlyMain, ['--install-units', 'cron', '--units-dir', join(dir, 'file', 'sub')], memoryIO());
    expect(result).toEqual({ code: 1, out: '', err: `rclone-backup-nightly: cannot install into ${dir}/file/sub: not a directory (as root, or --units-dir DIR)\n` });
  });

  it('--install-units -n says what it would write and writes nothing', async () => {
    const dir = tempDir('rb-units-');
    dirs.push(dir);
    const result = await runInMemory('rclone-backup-nightly', nightlyMain, ['--install-units', 'systemd', '-n', '--units-dir', join(dir, 'x')], memoryIO());
    expect(result.code).toBe(0);
    expect(result.out).toBe(`would install ${dir}/x/rclone-backups.service\nwould install ${dir}/x/rclone-backups.timer\n`);
    expect(spawnSync('test', ['-e', join(dir, 'x')]).status).toBe(1);
  });
});
