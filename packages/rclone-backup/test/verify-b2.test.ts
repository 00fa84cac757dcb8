import { execa } from 'execa';
import { join } from 'node:path';
import { startEmulator, writeRcloneTestConfig, type Emulator, type RcloneTestConfig } from 'b2-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

interface Summary {
  checked: { files: number; bytes: number };
  failed: number;
  missing: string[];
  extra: string[];
  differ: string[];
  errors: string[];
}

/** A crypt remote over the b2-emulator; the tests change the stored (encrypted) objects behind rclone's back. */
describe('verify finds a damaged bucket (crypt over the b2-emulator)', () => {
  const dir = tempDir('rb-verify-b2-');
  const src = join(dir, 'src');
  let emulator: Emulator;
  let rc: RcloneTestConfig;
  let conf: string;
  const lock = ['--lock-dir', dir];
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`dir${i % 3}/file-${i}.bin`] = `payload ${i} `.repeat(2000 + i * 100);
  // Names a filter rule would lose or have to escape: checked by their exact names through crypt too.
  const ODD = ['dir2/ends in a space ', 'dir0/ lead #;[*]{?}\\.bin'];
  for (const name of ODD) files[name] = `odd ${name}`;
  const VICTIM = 'dir1/file-4.bin';

  beforeAll(async () => {
    emulator = await startEmulator({ keyId: 'keyid-verify', key: 'K-verify-SECRET' });
    rc = await writeRcloneTestConfig({ emulator, dir, bucket: 'verify-bucket', password: 'pw-verify', password2: 'salt-verify' });
    writeTree(src, files);
    conf = writeConfig(dir, 'b2v', `[default]\nsource = ${src}\ndestination = ${rc.cryptPath}data\narchive_specials = no\n`);
    expect((await run([conf, '--rclone-config', rc.configPath, ...lock])).code).toBe(0);
  });
  afterAll(async () => {
    await emulator.close();
    cleanup(dir);
  });

  // Async: the emulator lives in this process, so a synchronous child would deadlock it.
  const rclone = async (...args: string[]): Promise<string> => (await execa('rclone', ['--config', rc.configPath, ...args])).stdout;
  const verify = async (...args: string[]) => {
    const r = await run([conf, '--json', '--seed', '3', '--rclone-config', rc.configPath, ...lock, ...args]);
    return { ...r, summary: JSON.parse(r.out || '{}') as Summary };
  };
  /** The stored object of a plain path: its B2 name is the crypt-encoded path below the prefix. */
  const stored = async (path: string) => {
    const encoded = (await rclone('backend', 'encode', rc.cryptPath, `data/${path}`)).trim();
    const name = rc.prefix ? `${rc.prefix}/${encoded}` : encoded;
    const bucket = emulator.store.bucketByName('verify-bucket');
    const version = bucket && emulator.store.versionsOf(bucket.bucketId, name)[0];
    const data = version && emulator.store.blobs.get(version.fileId);
    if (!version || !data) throw new Error(`no stored object for ${path} (${name})`);
    return { version, data };
  };

  it('an intact bucket verifies, sampled and all', async () => {
    for (const args of [['--verify', 'all'], ['--verify', 'files=3']]) {
      const r = await verify(...args);
      expect(r.code).toBe(0);
      expect(r.summary.failed).toBe(0);
    }
  });

  it('every sampled file is checked by its exact name, edge spaces and glob characters included', async () => {
    const r = await verify('--verify', 'files=100%');
    expect(r.code).toBe(0);
    expect(r.summary.failed).toBe(0);
    expect(r.summary.checked.files).toBe(Object.keys(files).length);
  });

  it.each([[['--verify', 'all']], [['--verify', 'files=100%']]])('%j: a flipped byte in the stored object → exit 1 naming the file', async (args) => {
    const { version, data } = await stored(VICTIM);
    const flipped = Buffer.from(data);
    const at = flipped.length - 100;
    flipped[at] = (flipped[at] ?? 0) ^ 0x01;
    emulator.store.blobs.put(version.fileId, flipped);
    try {
      const r = await verify(...args);
      expect(r.code).toBe(1);
      expect([...r.summary.differ, ...r.summary.errors]).toEqual([VICTIM]);
      expect(r.err).toMatch(new RegExp(`(differs|could not check): ${VICTIM}`));
    } finally {
      emulator.store.blobs.put(version.fileId, data);
    }
  });

  it.each([[['--verify', 'all']], [['--verify', 'files=1']]])('%j: a truncated stored object → exit 1 naming the file, sampled or not', async (args) => {
    const { version, data } = await stored(VICTIM);
    const cut = data.subarray(0, Math.floor(data.length / 2));
    emulator.store.blobs.put(version.fileId, cut);
    emulator.store.replaceVersion({ ...version, contentLength: cut.length });
    try {
      const r = await verify(...args);
      expect(r.code).toBe(1);
      expect([...r.summary.differ, ...r.summary.errors, ...r.summary.missing]).toContain(VICTIM);
    } finally {
      emulator.store.blobs.put(version.fileId, data);
      emulator.store.replaceVersion(version);
    }
    expect((await verify('--verify', 'all')).code).toBe(0);
  });

  it('an object deleted from the bucket → exit 1 (missing) even when not in the sample', async () => {
    await rclone('deletefile', `${rc.cryptPath}data/${VICTIM}`);
    const r = await verify('--verify', 'files=1');
    expect(r.code).toBe(1);
    expect(r.summary.missing).toEqual([VICTIM]);
    expect(r.err).toMatch(`missing at the destination: ${VICTIM}`);
  });
});
