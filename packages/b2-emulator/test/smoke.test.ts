import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator, writeRcloneTestConfig, type Emulator, type RcloneTestConfig } from '../src/index.js';
import { rclone, tempDir } from './helpers.js';

describe('rclone copy into the emulator (smoke)', () => {
  let emulator: Emulator;
  let cfg: RcloneTestConfig;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    emulator = await startEmulator();
    tmp = await tempDir();
    cfg = await writeRcloneTestConfig({ emulator, dir: tmp.dir, bucket: 'smoke-bucket' });
  });
  afterAll(async () => {
    await emulator.close();
    await tmp.cleanup();
  });

  it('round-trips a small tree through b2 and crypt remotes', async () => {
    const src = join(tmp.dir, 'src');
    await mkdir(join(src, 'd'), { recursive: true });
    await writeFile(join(src, 'a.txt'), 'alpha');
    await writeFile(join(src, 'd', 'b.txt'), 'beta');
    expect((await rclone(cfg.configPath, 'copy', src, `${cfg.b2Remote}:smoke-bucket/plain`)).exitCode).toBe(0);
    expect((await rclone(cfg.configPath, 'copy', src, cfg.cryptPath)).exitCode).toBe(0);
    const ls = await rclone(cfg.configPath, 'ls', `${cfg.b2Remote}:smoke-bucket/plain`);
    expect(ls.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort()).toEqual(['4 d/b.txt', '5 a.txt']);
    expect((await rclone(cfg.configPath, 'cat', `${cfg.cryptPath}d/b.txt`)).stdout).toBe('beta');
  });
});
