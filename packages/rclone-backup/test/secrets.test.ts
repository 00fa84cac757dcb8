// The secrets redacted from the output come from the rclone.conf rclone itself reads: found
// by core as rclone finds it (~/.rclone.conf included) and decrypted when encrypted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encryptConfigText } from '@rclone-b2/core';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

/** A value under a secret-looking key that rclone -vv prints too: a file of the source is named after it. */
const SECRET = 'tok3n-value-9187';

function setup() {
  const dir = tempDir('rb-secrets-');
  dirs.push(dir);
  const home = join(dir, 'home');
  mkdirSync(home);
  const src = join(dir, 'src');
  writeTree(src, { [`${SECRET}.txt`]: 'contents' });
  const conf = writeConfig(dir, 'job', `[default]\nsource = ${src}\ndestination = ${join(dir, 'dst')}\n`);
  const rcloneConf = `[vault]\ntype = local\ntoken = ${SECRET}\n`;
  return { dir, home, conf, rcloneConf, lock: ['--lock-dir', dir] };
}

describe('secrets of rclone.conf are redacted in -vv output', () => {
  it('from ~/.rclone.conf (HOME set, no XDG config)', async () => {
    const t = setup();
    writeFileSync(join(t.home, '.rclone.conf'), t.rcloneConf);
    const r = await run([t.conf, '-vv', ...t.lock], { HOME: t.home, XDG_CONFIG_HOME: undefined });
    expect(r.code).toBe(0);
    // rclone did read that file, and listed the file named after the secret (redacted)
    expect(r.err).toContain(join(t.home, '.rclone.conf'));
    expect(r.err).toMatch(/\.txt/);
    expect(`${r.out}${r.err}`).not.toContain(SECRET);
  });

  it('from an encrypted config (RCLONE_CONFIG_PASS)', async () => {
    const t = setup();
    const file = join(t.dir, 'encrypted.conf');
    writeFileSync(file, encryptConfigText(t.rcloneConf, 'config-pass-42'));
    const r = await run([t.conf, '-vv', '--rclone-config', file, ...t.lock], { HOME: t.home, RCLONE_CONFIG_PASS: 'config-pass-42' });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\.txt/);
    expect(`${r.out}${r.err}`).not.toContain(SECRET);
  });
});
