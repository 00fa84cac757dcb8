// rclone.conf discovery, parsing, env overrides, encrypted configs and remote resolution,
// checked against the real rclone where rclone can tell.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  encryptConfigText,
  findConfigPath,
  loadRcloneConfig,
  obscure,
  openCryptRemote,
  reveal,
} from '../src/index.js';
import { makeCryptFixture, rcloneBackend, runRclone, type CryptFixture } from './helpers/rclone.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rclone-config-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function conf(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const PW = obscure('rclone-test-password');

describe('obscure / reveal against rclone', () => {
  const plains = ['rclone-test-password', '', 'pässwörd with spaces', 'ünï©ødé 🔑', 'x'.repeat(200), 'a=b:c#d'];
  it.each(plains)('reveal(rclone obscure %j)', async (plain) => {
    const obscuredByRclone = (await runRclone(undefined, ['obscure', '--', plain])).toString().trim();
    expect(reveal(obscuredByRclone)).toBe(plain);
    const revealedByRclone = (await runRclone(undefined, ['reveal', '--', obscure(plain)])).toString().replace(/\n$/, '');
    expect(revealedByRclone).toBe(plain);
  });
  it('rejects a plain password with a ConfigError', () => {
    expect(() => reveal('hunter2')).toThrow(ConfigError);
    expect(() => reveal('not obscured!')).toThrow(/obscure/);
  });
});

describe('findConfigPath (same choice as `rclone config file`)', () => {
  const cases = [
    { name: 'xdg', files: ['xdg/rclone/rclone.conf', 'home/.config/rclone/rclone.conf', 'home/.rclone.conf'], xdg: true },
    { name: 'dot-config', files: ['home/.config/rclone/rclone.conf', 'home/.rclone.conf'], xdg: true },
    { name: 'legacy', files: ['home/.rclone.conf'], xdg: false },
    { name: 'explicit env', files: ['home/.rclone.conf', 'other.conf'], xdg: false, rcloneConfig: 'other.conf' },
  ];
  it.each(cases)('$name', async (c) => {
    const root = join(dir, `find-${c.name}`);
    for (const f of c.files) {
      await mkdir(join(root, f, '..'), { recursive: true });
      await writeFile(join(root, f), '[x]\ntype = local\n');
    }
    const env: Record<string, string> = { HOME: join(root, 'home') };
    if (c.xdg) env.XDG_CONFIG_HOME = join(root, 'xdg');
    if (c.rcloneConfig) env.RCLONE_CONFIG = join(root, c.rcloneConfig);
    const ours = findConfigPath({ env });
    const theirs = (await runRclone(undefined, ['config', 'file'], undefined, env)).toString().trim().split('\n').at(-1);
    expect(ours.path).toBe(theirs);
  });
  it('an explicit path wins', () => {
    expect(findConfigPath({ configPath: '/x/y.conf', env: { RCLONE_CONFIG: '/a' } }).path).toBe('/x/y.conf');
  });
});

describe('INI dialect matches rclone config dump', () => {
  it('parses comments, separators and quoting like goconfig', async () => {
    const path = await conf(
      'dialect.conf',
      [
        '\uFEFF# comment',
        '; another',
        '[r1]',
        'type = local',
        'description: colon separated',
        'a = abc # not a comment',
        'b = "quoted kept"',
        'c = `back ticked `',
        'd = x=y:z',
        '  e   =   spaced   ',
        '[ r2 ]',
        'type=alias',
        'remote=r1:/tmp',
        '',
      ].join('\r\n'),
    );
    const dump = JSON.parse((await runRclone(path, ['config', 'dump'])).toString()) as Record<string, Record<string, string>>;
    const config = await loadRcloneConfig({ configPath: path, env: {} });
    const ours: Record<string, Record<string, string>> = {};
    for (const name of config.remoteNames()) ours[name] = Object.fromEntries(config.sections.get(name)!);
    expect(ours).toEqual(dump);
  });
});

describe('environment overrides', () => {
  let fx: CryptFixture;
  beforeAll(async () => {
    fx = await makeCryptFixture({ password2: 'rclone-test-salt' });
  });
  afterAll(() => fx.cleanup());

  const overrides: Record<string, string>[] = [
    { RCLONE_CONFIG_C_FILENAME_ENCRYPTION: 'off' },
    { RCLONE_CONFIG_C_FILENAME_ENCODING: 'base64' },
    { RCLONE_CRYPT_FILENAME_ENCODING: 'base32768' },
    { RCLONE_CONFIG_C_PASSWORD2: obscure('other salt'), RCLONE_CONFIG_C_DIRECTORY_NAME_ENCRYPTION: 'false' },
    { RCLONE_CONFIG_C_FILENAME_ENCODING: 'base64', RCLONE_CRYPT_FILENAME_ENCODING: 'base32768' },
  ];
  it.each(overrides)('%j gives the same names as rclone', async (env) => {
    const remote = await openCryptRemote({ configPath: fx.configPath, env });
    const names = ['hello.txt', 'dir/sub/file name.txt'];
    const theirs = (await runRclone(fx.configPath, ['backend', 'encode', 'c:', '--', ...names], undefined, env))
      .toString()
      .split('\n')
      .slice(0, -1);
    expect(names.map((n) => remote.names.encryptPath(n))).toEqual(theirs);
  });

  it('a remote defined only in the environment', async () => {
    const env = {
      RCLONE_CONFIG_ENVCRYPT_TYPE: 'crypt',
      RCLONE_CONFIG_ENVCRYPT_REMOTE: '/tmp/nowhere',
      RCLONE_CONFIG_ENVCRYPT_PASSWORD: PW,
    };
    const listed = (await runRclone(fx.configPath, ['listremotes'], undefined, env)).toString();
    expect(listed).toContain('envcrypt:');
    const remote = await openCryptRemote({ configPath: fx.configPath, env, remoteName: 'envcrypt' });
    expect(remote.localPath).toBe('/tmp/nowhere');
  });
});

describe('encrypted rclone.conf', () => {
  const plainText = `[b2x]\ntype = b2\naccount = 000abc\nkey = K000secret\n\n[secret]\ntype = crypt\nremote = b2x:bucket/backup\npassword = ${PW}\n`;
  it('is read by the real rclone and by us', async () => {
    const path = await conf('encrypted.conf', encryptConfigText(plainText, 'config-pass'));
    const listed = (await runRclone(path, ['listremotes'], undefined, { RCLONE_CONFIG_PASS: 'config-pass' })).toString();
    expect(listed.split('\n').filter(Boolean).sort()).toEqual(['b2x:', 'secret:']);
    const remote = await openCryptRemote({ configPath: path, env: { RCLONE_CONFIG_PASS: 'config-pass' } });
    expect(remote.b2).toEqual({ remoteName: 'b2x', accountId: '000abc', applicationKey: 'K000secret', bucket: 'bucket', prefix: 'backup' });
  });
  it('without RCLONE_CONFIG_PASS is a clear ConfigError (exit 2)', async () => {
    const path = await conf('encrypted2.conf', encryptConfigText(plainText, 'config-pass'));
    const error = await openCryptRemote({ configPath: path, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/RCLONE_CONFIG_PASS/);
  });
  it('with a wrong password is a ConfigError', async () => {
    const path = await conf('encrypted3.conf', encryptConfigText(plainText, 'config-pass'));
    await expect(openCryptRemote({ configPath: path, env: { RCLONE_CONFIG_PASS: 'nope' } })).rejects.toThrow(/wrong password/);
  });
  it('normalises the password with NFKC like rclone', async () => {
    const path = await conf('encrypted-nfkc.conf', encryptConfigText(plainText, '\uFB01le pass'));
    const listed = (await runRclone(path, ['listremotes'], undefined, { RCLONE_CONFIG_PASS: 'file pass' })).toString();
    expect(listed).toContain('secret:');
    expect((await openCryptRemote({ configPath: path, env: { RCLONE_CONFIG_PASS: 'file pass' } })).name).toBe('secret');
  });
  it('rejects an all-whitespace password', () => {
    expect(() => encryptConfigText(plainText, '   ')).toThrow(ConfigError);
  });
  it('with RCLONE_PASSWORD_COMMAND', async () => {
    const path = await conf('encrypted4.conf', encryptConfigText(plainText, 'config-pass'));
    const remote = await openCryptRemote({ configPath: path, env: { PATH: process.env.PATH, RCLONE_PASSWORD_COMMAND: 'echo config-pass' } });
    expect(remote.name).toBe('secret');
  });
});

describe('remote resolution', () => {
  const b2 = '[b2]\ntype = b2\naccount = 0012345\nkey = K001key\nendpoint = http://127.0.0.1:9999\n';
  it.each([
    { remote: 'b2:my-bucket', bucket: 'my-bucket', prefix: '' },
    { remote: 'b2:my-bucket/a/b/', bucket: 'my-bucket', prefix: 'a/b' },
    { remote: 'b2:/my-bucket/x', bucket: 'my-bucket', prefix: 'x' },
    { remote: 'al:deeper', bucket: 'bkt', prefix: 'base/deeper' },
  ])('remote = $remote', async (c) => {
    const path = await conf(
      `resolve-${c.bucket}-${c.prefix.replace(/\//g, '_')}.conf`,
      `${b2}\n[al]\ntype = alias\nremote = b2:bkt/base\n\n[sec]\ntype = crypt\nremote = ${c.remote}\npassword = ${PW}\n`,
    );
    const remote = await openCryptRemote({ configPath: path, env: {} });
    expect(remote.b2).toEqual({
      remoteName: 'b2',
      accountId: '0012345',
      applicationKey: 'K001key',
      endpoint: 'http://127.0.0.1:9999',
      bucket: c.bucket,
      prefix: c.prefix,
    });
    expect(remote.underlying).toBe(c.remote);
    expect(remote.secrets).toContain('K001key');
    expect(remote.secrets).toContain('rclone-test-password');
  });

  const errorCases = [
    { name: 'missing remote', text: `${b2}[s]\ntype = crypt\nremote = b2:x\npassword = ${PW}\n`, remoteName: 'nope', re: /remote "nope" not found.*crypt remotes: s/ },
    { name: 'wrong type', text: `${b2}[s]\ntype = crypt\nremote = b2:x\npassword = ${PW}\n`, remoteName: 'b2', re: /"b2" is of type b2, not crypt/ },
    { name: 'no crypt remote', text: b2, re: /no crypt remote/ },
    { name: 'several crypt remotes', text: `[s1]\ntype = crypt\nremote = /a\npassword = ${PW}\n[s2]\ntype = crypt\nremote = /b\npassword = ${PW}\n`, re: /several crypt remotes.*s1, s2/ },
    { name: 'no password', text: '[s]\ntype = crypt\nremote = /a\n', re: /no password/ },
    { name: 'plain password', text: '[s]\ntype = crypt\nremote = /a\npassword = hunter2\n', re: /obscured/ },
    { name: 'underlying missing', text: `[s]\ntype = crypt\nremote = gone:x\npassword = ${PW}\n`, re: /remote "gone".*not found/ },
    { name: 'b2 root', text: `${b2}[s]\ntype = crypt\nremote = b2:\npassword = ${PW}\n`, re: /needs a bucket/ },
    { name: 'bad encoding', text: `[s]\ntype = crypt\nremote = /a\npassword = ${PW}\nfilename_encoding = base99\n`, re: /filename_encoding/ },
  ];
  it.each(errorCases)('$name → ConfigError', async (c) => {
    const path = await conf(`err-${c.name.replace(/ /g, '-')}.conf`, c.text);
    const error = await openCryptRemote({ configPath: path, env: {}, ...(c.remoteName ? { remoteName: c.remoteName } : {}) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(c.re);
  });

  it('an explicit config file that does not exist', async () => {
    await expect(openCryptRemote({ configPath: join(dir, 'missing.conf'), env: {} })).rejects.toThrow(/not found/);
  });
});

describe('real rclone names through openCryptRemote', () => {
  it('matches rclone backend encode for the default settings', async () => {
    const fx = await makeCryptFixture({ password2: 'pepper' });
    try {
      const remote = await openCryptRemote({ configPath: fx.configPath, env: {} });
      const names = ['a', 'b/c', 'long '.repeat(30), 'ü/ö/ä.txt'];
      expect(names.map((n) => remote.names.encryptPath(n))).toEqual(await rcloneBackend(fx, 'encode', names));
    } finally {
      await fx.cleanup();
    }
  });
});
