// A damaged object in the bucket (a flipped bit, a truncated file; with B2's SHA-1 of the
// original or of the damaged bytes) is reported by encrypted-restore, which exits 1 and
// never leaves it under its final name, not even partly. The undamaged files still restore.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipByte, truncateTo, type TamperOptions } from 'b2-emulator';
import { seededRandom } from '@rclone-b2/core';
import { DAY, sourceFiles, startWorld, T0, treeOf, writeFiles, type World } from './support/world.js';

type Damage = [name: string, edit: (bytes: Buffer) => Buffer, record: TamperOptions['record']];

// crypt layout: 32-byte header (magic + nonce), then 64 KiB blocks each with a 16-byte MAC
const DAMAGES: Damage[] = [
  ['a flipped bit in the second block, B2 SHA-1 of the original', flipByte(32 + 65_552 + 100), 'keep'],
  ['a flipped bit in the second block, B2 SHA-1 of the damaged bytes', flipByte(32 + 65_552 + 100), 'match'],
  ['a flipped bit in the nonce, B2 SHA-1 of the damaged bytes', flipByte(10), 'match'],
  ['a flipped bit in the last MAC, B2 SHA-1 of the damaged bytes', flipByte(-1), 'match'],
  ['truncated by 1000 bytes, B2 SHA-1 and length of the original', truncateTo(-1000), 'keep'],
  ['truncated by 1000 bytes, B2 SHA-1 and length of the damaged bytes', truncateTo(-1000), 'match'],
  ['truncated inside the header, B2 SHA-1 and length of the damaged bytes', truncateTo(20), 'match'],
  // With B2's record of the damaged bytes, a cut exactly at a block boundary leaves a valid,
  // shorter crypt file: the format has no end marker, so nobody (rclone neither) can see it.
  // Damage in the bucket after upload is caught by B2's recorded length and SHA-1.
  ['truncated to a block boundary, B2 SHA-1 and length of the original', truncateTo(32 + 65_552), 'keep'],
];

async function allEntries(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(dir, e.name));
      else out.push(relative(root, join(dir, e.name)));
    }
  };
  await walk(root);
  return out.sort();
}

describe('encrypted-restore and damaged objects', () => {
  let world: World;
  const victims: string[] = [];
  let good: Record<string, string>;

  beforeAll(async () => {
    world = await startWorld({ name: 'tamper' });
    const files = sourceFiles(seededRandom(5), 10, 'plain');
    const random = seededRandom(9);
    // one multi-block file per kind of damage
    DAMAGES.forEach((_, i) => {
      const bytes = Buffer.alloc(200_000 + i * 1000);
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      const path = `victims/v${i}.bin`;
      files[path] = bytes;
      victims.push(path);
    });
    await writeFiles(world.source, files, T0 - DAY);
    await execa('rclone', ['--config', world.config.configPath, 'copy', world.source, `${world.config.cryptPath}data`]);
    good = Object.fromEntries(Object.entries(files).filter(([p]) => !victims.includes(p)).map(([p, b]) => [p, createHash('sha256').update(b).digest('hex')]));
    const bucket = world.emulator.store.bucketByName('world-bucket');
    if (!bucket) throw new Error('no bucket');
    for (const [i, [, edit, record]] of DAMAGES.entries()) {
      const encoded = (await execa('rclone', ['--config', world.config.configPath, 'backend', 'encode', world.config.cryptPath, `data/${victims[i]}`])).stdout.trim();
      const version = world.emulator.store.versionsOf(bucket.bucketId, `backup/${encoded}`)[0];
      if (!version) throw new Error(`no version for ${victims[i]} (${encoded})`);
      world.emulator.tamper(version.fileId, edit, { record });
    }
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it.each([['--as-of', new Date(T0 + DAY).toISOString()], ['--all']])('restore %s: exit 1, every damaged file named, none of it in the target; the rest byte for byte', async (...mode) => {
    const target = join(world.dir, `restore${mode[0]}`);
    const r = await world.run('encrypted-restore', [...mode, '--rclone-config', world.config.configPath, `${world.config.cryptRemote}:data`, target]);
    expect(r.code, r.err).toBe(1);
    for (const victim of victims) expect(r.err, victim).toContain(victim.replace(/^victims\//, ''));
    const entries = await allEntries(target);
    // nothing of the damaged files: not under the final name, not as a partial file, not under a version name
    expect(entries.filter((e) => e.startsWith('victims/') || e.includes('partial'))).toEqual([]);
    const restored = await treeOf(target);
    // every other file is there, byte for byte (--all names versions NAME-vTIME)
    const plainName = (p: string): string => (mode[0] === '--all' ? p.replace(/-v\d{4}-\d\d-\d\d-\d{6}-\d{3}(?=(\.[^/.]*)?$)/, '') : p);
    expect(Object.fromEntries(Object.entries(restored).map(([p, sha]) => [plainName(p), sha]))).toEqual(good);
  });
});
