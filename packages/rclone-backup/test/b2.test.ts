import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { join } from 'node:path';
import { startEmulator, writeRcloneTestConfig, type Emulator, type RcloneTestConfig } from 'b2-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

describe('sync into a crypt remote over the b2-emulator', () => {
  const dir = tempDir('rb-b2-');
  const src = join(dir, 'src');
  let emulator: Emulator;
  let rc: RcloneTestConfig;
  let conf: string;
  const lock = ['--lock-dir', dir];
  beforeAll(async () => {
    emulator = await startEmulator({ keyId: 'keyid-0123456789', key: 'K0123456789abcdefSECRETKEY' });
    rc = await writeRcloneTestConfig({ emulator, dir, bucket: 'photos-bucket', password: 'crypt-password-xyz', password2: 'crypt-salt-xyz' });
    writeTree(src, { 'a.txt': 'alpha', 'deep/b.txt': 'bravo'.repeat(100), 'c.tmp': 'tmp', 'deep/d~': 'backup' });
    await execa('mkfifo', [join(src, 'deep/pipe')]);
    conf = writeConfig(dir, 'b2', `[default]\nsource = ${src}\ndestination = ${rc.cryptPath}photos\n[filters]\n- *.tmp\n`);
  });
  afterAll(async () => {
    await emulator.close();
    cleanup(dir);
  });
  // Async: the emulator lives in this process, so a synchronous child would deadlock it.
  const rclone = async (...args: string[]): Promise<string> => (await execa('rclone', ['--config', rc.configPath, ...args], { stripFinalNewline: false })).stdout;

  it('syncs (filters, built-ins, specials), re-runs with no transfers, never prints secrets at -vv', async () => {
    const first = await run([conf, '-vv', '--json', '--rclone-config', rc.configPath, ...lock]);
    expect(first.code).toBe(0);
    expect((await rclone('lsf', '-R', '--files-only', `${rc.cryptPath}photos`)).trim().split('\n').sort()).toEqual(['.rclone-backup-special-files.tar.gz', 'a.txt', 'deep/b.txt']);
    expect(await rclone('cat', `${rc.cryptPath}photos/deep/b.txt`)).toBe('bravo'.repeat(100));
    const encrypted = await rclone('lsf', '-R', rc.b2Path);
    expect(encrypted).not.toMatch(/a\.txt|deep/);
    const confText = readFileSync(rc.configPath, 'utf8');
    const secrets = [emulator.key, 'crypt-password-xyz', 'crypt-salt-xyz', ...[...confText.matchAll(/^(?:password2?|key) = (\S+)$/gm)].map((m) => m[1] as string)];
    for (const secret of secrets) {
      expect(first.err).not.toContain(secret);
      expect(first.out).not.toContain(secret);
    }
    expect(first.err).toMatch(/DEBUG/);
    const again = await run([conf, '--json', '--rclone-config', rc.configPath, ...lock]);
    expect(JSON.parse(again.out)).toMatchObject({ files: { transferred: 0, deleted: 0 } });
  });

  it('verifies by download and by cryptcheck', async () => {
    for (const mode of ['download', 'hash']) {
      const r = await run([conf, '--json', '--verify', 'all', '--verify-mode', mode, '--rclone-config', rc.configPath, ...lock]);
      expect(r.err).toMatch(/^rclone-backup: verify b2: checked the contents of 2 of 2 files .*; 2 files present on both sides; 0 failed\n$/);
      expect(r.code).toBe(0);
      // The special-files archive is not a file of SOURCE: verify checks the user's files.
      expect(JSON.parse(r.out)).toMatchObject({ matched: 2, mode });
      const sampled = await run([conf, '--json', '--verify', 'files=2', '--verify-mode', mode, '--rclone-config', rc.configPath, ...lock]);
      expect(JSON.parse(sampled.out)).toMatchObject({ matched: 2 });
    }
    const echoed = await run([conf, '-v', '--verify', 'files=1', '--verify-mode', 'hash', '--rclone-config', rc.configPath, ...lock]);
    expect(echoed.err).toMatch(/running rclone .*--use-json-log cryptcheck (?!--one-way)/);
  });

  it('guards: an emptied source deletes nothing in the bucket', async () => {
    const before = await rclone('lsf', '-R', rc.b2Path);
    const { rmSync, mkdirSync } = await import('node:fs');
    rmSync(src, { recursive: true });
    mkdirSync(src);
    const refused = await run([conf, '--rclone-config', rc.configPath, ...lock]);
    expect(refused.code).toBe(3);
    writeTree(src, { 'only.txt': 'x' });
    const tooMuch = await run([conf, '--strict-guards', '--rclone-config', rc.configPath, ...lock]);
    expect(tooMuch.code).toBe(3);
    expect(tooMuch.err).toMatch(/would delete 3 of 3 files/);
    expect(await rclone('lsf', '-R', rc.b2Path)).toBe(before);
  });
});
