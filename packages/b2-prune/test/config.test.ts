import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyFiles, globToRegExp, loadPolicyConfig, parsePolicyConfig } from '../src/policy/index.js';

const config = parsePolicyConfig(
  [
    '# comment',
    '; another',
    '[policies]',
    'short = 1..3',
    'default = 1..7,*,30,*',
    '',
    '[paths]',
    'a/ = never',
    'a/b/ = one_week',
    'a/b/c = one_month',
    '*/.git/ = short',
    '*.iso = never',
    'p?t/ = one_year',
    '[xy]z/ = one_year_all',
    '"odd = name/" = short',
  ].join('\n'),
  'test.ini',
);

describe('path rules', () => {
  it.each([
    ['a/x', 'never'],
    ['a/b/x', 'one_week'],
    ['a/b/cd', 'one_month'], // plain prefixes are string prefixes, longest first
    ['a/b/.git/config', 'one_week'], // plain prefixes before globs
    ['src/proj/.git/index', 'short'],
    ['.git/index', 'default'], // `*/.git/` needs something before the slash
    ['x/y/image.iso', 'never'],
    ['x/image.isos', 'default'],
    ['x/image.iso/inside', 'never'],
    ['pat/f', 'one_year'],
    ['pt/f', 'default'],
    ['xz/f', 'one_year_all'],
    ['odd = name/f', 'short'],
    ['elsewhere/f', 'default'],
  ])('%s → %s', (path, policy) => {
    expect(config.matcher.choose(path).policy.name).toBe(policy);
  });
  it('lets a file redefine a built-in, and the fallback uses it', () => {
    expect(config.policies.get('default')?.spec).toBe('1..7,*,30,*');
    expect(config.matcher.choose('zzz').policy.spec).toBe('1..7,*,30,*');
  });
  it('records where a rule was written', () => {
    expect(config.matcher.choose('a/x').rule?.where).toBe('test.ini:8');
  });
  it.each([
    ['*', 'anything/at/all', true],
    ['*/.git/', 'a/b/.git/x', true],
    ['[!a]b', 'cb', true],
    ['[!a]b', 'ab', false],
    ['a.b', 'axb', false],
    ['(x)', '(x)/y', true],
  ])('glob %s on %s → %s', (glob, path, result) => {
    expect(globToRegExp(glob).test(path)).toBe(result);
  });
});

describe('config errors', () => {
  it.each([
    [['name = 1'], /test\.ini:1: setting outside a \[policies\] or \[paths\] section/],
    [['[policies]', 'a b = 1'], /test\.ini:2: invalid policy name/],
    [['[policies]', 'x = 1', 'x = 2'], /test\.ini:3: policy "x" defined twice/],
    [['[policies]', 'x = 1;2'], /test\.ini:2: policy "x": "1;2" is not a number/],
    [['[paths]', 'a/ ='], /test\.ini:2: path rule "a\/" names no policy/],
    [['[paths]', '= never'], /test\.ini:2: empty name/],
  ])('%j', (lines, message) => {
    expect(() => parsePolicyConfig(lines.join('\n'), 'test.ini')).toThrow(message);
  });
});

describe('policy file location', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2-prune-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it('looks in XDG_CONFIG_HOME, then ~/.config, then /etc', () => {
    expect(defaultPolicyFiles({ XDG_CONFIG_HOME: '/x' })).toEqual(['/x/b2-prune/policies.ini', '/etc/b2-prune.conf']);
    expect(defaultPolicyFiles({ HOME: '/home/u' })).toEqual(['/home/u/.config/b2-prune/policies.ini', '/etc/b2-prune.conf']);
  });
  it('reads the default file when present, built-ins otherwise', async () => {
    await mkdir(join(dir, 'b2-prune'), { recursive: true });
    await writeFile(join(dir, 'b2-prune', 'policies.ini'), '[paths]\ntmp/ = never\n');
    const found = await loadPolicyConfig(undefined, { XDG_CONFIG_HOME: dir });
    expect(found.source).toBe(join(dir, 'b2-prune', 'policies.ini'));
    expect(found.matcher.choose('tmp/x').policy.name).toBe('never');
    const none = await loadPolicyConfig(undefined, { XDG_CONFIG_HOME: join(dir, 'nothing') });
    expect(none.rules).toEqual([]);
  });
  it('a missing --policy-file is an error (exit 2)', async () => {
    await expect(loadPolicyConfig(join(dir, 'missing.ini'), {})).rejects.toMatchObject({ exitCode: 2, message: `cannot open policy file "${join(dir, 'missing.ini')}": no such file or directory` });
  });
});
