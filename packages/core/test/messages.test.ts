// Plain words for system errors and safe echoes of user input (one helper each, used by
// runTool's top-level handler and every message that quotes input).
import { describe, expect, it } from 'vitest';
import { changesUnless, quoteForMessage } from '../src/index.js';
import { describeSystemError } from '../src/cli/system-errors.js';
import { escapeForMessage } from '../src/text/quote-for-message.js';

function systemError(code: string, message: string, fields: Record<string, unknown>): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, ...fields });
}

describe('quoteForMessage', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['\x1b]0;pwned\x07title', '"\\x1b]0;pwned\\x07title"'],
    ['a\nb\tc\rd', '"a\\nb\\tc\\rd"'],
    ['del\x7f c1\u009b', '"del\\x7f c1\\x9b"'],
    ['bidi\u202eevil', '"bidi\\u202eevil"'],
    ['bad utf8 \ufffd', '"bad utf8 \\ufffd"'],
    ['ünïcödé ✓', '"ünïcödé ✓"'],
  ])('%j -> %s', (input, expected) => expect(quoteForMessage(input)).toBe(expected));

  it('cuts long input to 200 characters with …, never inside a surrogate pair', () => {
    expect(quoteForMessage('x'.repeat(500))).toBe(`"${'x'.repeat(200)}"…`);
    expect(quoteForMessage('😀'.repeat(300), 3)).toBe('"😀😀😀"…');
    expect(quoteForMessage('x'.repeat(200))).toBe(`"${'x'.repeat(200)}"`);
  });

  it('escapeForMessage escapes without quoting', () => {
    expect(escapeForMessage('a\x1b[31m"b"')).toBe('a\\x1b[31m"b"');
    expect(escapeForMessage('y'.repeat(10), 4)).toBe('yyyy…');
  });
});

describe('describeSystemError', () => {
  it.each([
    [systemError('ENOENT', "ENOENT: no such file or directory, open '/x/y'", { syscall: 'open', path: '/x/y' }), 'cannot open "/x/y": no such file or directory'],
    [systemError('EACCES', "EACCES: permission denied, mkdir '/root/z'", { syscall: 'mkdir', path: '/root/z' }), 'cannot create directory "/root/z": permission denied'],
    [systemError('ENOSPC', 'ENOSPC: no space left on device, write', { syscall: 'write' }), 'cannot write: no space left on device'],
    [systemError('EIO', 'EIO: i/o error, read', { syscall: 'read' }), 'cannot read: input/output error'],
    [systemError('EXDEV', "EXDEV: cross-device link not permitted, rename '/a' -> '/b'", { syscall: 'rename', path: '/a', dest: '/b' }), 'cannot rename "/a" to "/b": cross-device link not permitted'],
    [systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', { syscall: 'connect', address: '127.0.0.1', port: 9 }), 'cannot connect to 127.0.0.1:9: connection refused'],
    [systemError('ENOENT', 'spawn rclone ENOENT', { syscall: 'spawn rclone', path: 'rclone' }), 'cannot run "rclone": no such file or directory'],
    [systemError('ENOENT', "ENOENT: no such file or directory, open 'a\x1bb'", { syscall: 'open', path: 'a\x1bb' }), 'cannot open "a\\x1bb": no such file or directory'],
    [systemError('EWEIRD', 'EWEIRD: something odd happened, frob', { syscall: 'frob' }), 'cannot frob: something odd happened'],
  ])('%s', (error, expected) => {
    expect(describeSystemError(error)).toBe(expected);
    expect(describeSystemError(error)).not.toMatch(/\bE[A-Z]{2,}\b/);
  });

  it('names what has no path', () => {
    expect(describeSystemError(systemError('EPIPE', 'EPIPE: broken pipe, write', { syscall: 'write' }), 'to standard output')).toBe('cannot write to standard output: broken pipe');
  });
});

describe('changesUnless', () => {
  const changes = changesUnless('-n', '--dry-run', '--ls');
  it.each([
    [['conf'], true],
    [['-n', 'conf'], false],
    [['-vn', 'conf'], false],
    [['--dry-run', 'conf'], false],
    [['--dry-run=true', 'conf'], false],
    [['--ls', 'conf'], false],
    [['--lsx', 'conf'], true],
    [['--', '-n'], true],
    [['-v', 'conf'], true],
  ])('%j -> %s', (argv, expected) => expect(changes(argv)).toBe(expected));
});
