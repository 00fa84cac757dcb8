import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { lstat, readdir, rename, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
// tar-stream is loaded only when there is an archive to read or write (start-up time).
const loadTar = () => import('tar-stream');
import { SPECIALS_ARCHIVE } from './rclone-args.js';

/** A FIFO or device node found under SOURCE; `path` is relative, `/`-separated. */
export interface SpecialFile {
  path: string;
  type: 'fifo' | 'character-device' | 'block-device';
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  devmajor: number;
  devminor: number;
}

// Linux's encoding of st_rdev (glibc gnu_dev_major/minor).
const major = (rdev: number): number => Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn));
const minor = (rdev: number): number => Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn));

function toSpecial(path: string, info: Stats): SpecialFile | undefined {
  const type = info.isFIFO() ? 'fifo' : info.isCharacterDevice() ? 'character-device' : info.isBlockDevice() ? 'block-device' : undefined;
  if (!type) return undefined;
  const device = type !== 'fifo';
  return {
    path,
    type,
    mode: info.mode & 0o7777,
    uid: info.uid,
    gid: info.gid,
    mtimeMs: Math.floor(info.mtimeMs / 1000) * 1000,
    devmajor: device ? major(info.rdev) : 0,
    devminor: device ? minor(info.rdev) : 0,
  };
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Finds the FIFOs and device nodes below SOURCE (sockets, symlinks, regular files and
 * directories are not special files here), in pre-order with names sorted. Directories
 * are read with entry types (no stat per ordinary file), a level at a time with up to 32
 * reads in flight: on a busy machine each read waits for the thread pool, and reading
 * one directory after the other would add those waits up.
 */
export async function findSpecialFiles(root: string): Promise<SpecialFile[]> {
  const listing = new Map<string, { specials: SpecialFile[]; subdirs: string[] }>();
  let level = [''];
  while (level.length > 0) {
    const below: string[] = [];
    await eachLimited(level, 32, async (relative) => {
      const entries = await readdir(relative ? join(root, relative) : root, { withFileTypes: true });
      const subdirs: string[] = [];
      const names: string[] = [];
      for (const entry of entries) {
        const path = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) subdirs.push(path);
        else if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice()) names.push(path);
      }
      names.sort();
      subdirs.sort();
      const specials = (await Promise.all(names.map(async (path) => toSpecial(path, await lstat(join(root, path)))))).filter((x): x is SpecialFile => x !== undefined);
      listing.set(relative, { specials, subdirs });
      below.push(...subdirs);
    });
    level = below;
  }
  const ordered: SpecialFile[] = [];
  const stack = [''];
  while (stack.length > 0) {
    const entry = listing.get(stack.pop() as string);
    if (!entry) continue;
    ordered.push(...entry.specials);
    for (let i = entry.subdirs.length - 1; i >= 0; i--) stack.push(entry.subdirs[i] as string);
  }
  return ordered;
}

function sameMembers(a: readonly SpecialFile[], b: readonly SpecialFile[]): boolean {
  return a.length === b.length && a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));
}

/** Reads the members of an existing archive (undefined if there is none or it is unreadable). */
export async function readArchiveMembers(file: string): Promise<SpecialFile[] | undefined> {
  const members: SpecialFile[] = [];
  const tar = await loadTar();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const type = header.type;
    if (type === 'fifo' || type === 'character-device' || type === 'block-device') {
      members.push({
        path: header.name,
        type,
        mode: header.mode ?? 0,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        mtimeMs: header.mtime ? header.mtime.getTime() : 0,
        devmajor: header.devmajor ?? 0,
        devminor: header.devminor ?? 0,
      });
    }
    stream.on('end', next);
    stream.resume();
  });
  try {
    await pipeline(createReadStream(file), createGunzip(), extract);
    return members;
  } catch {
    return undefined;
  }
}

export interface ArchiveResult {
  action: 'written' | 'unchanged' | 'removed' | 'none';
  members: number;
  file: string;
}

/**
 * Keeps SOURCE/special-files.tar.gz equal to the set of special files: rewritten only
 * when the set changed, its mtime the newest member's (never in the future), so rclone
 * sees an unchanged archive as unchanged. With no special files an old archive is removed.
 */
export async function archiveSpecials(root: string, options: { dryRun: boolean; now: number }): Promise<ArchiveResult> {
  const file = join(root, SPECIALS_ARCHIVE);
  const members = await findSpecialFiles(root);
  const existing = await lstat(file).then(() => true, () => false);
  if (members.length === 0) {
    if (existing && !options.dryRun) await unlink(file);
    return { action: existing ? 'removed' : 'none', members: 0, file };
  }
  const newest = Math.min(Math.max(...members.map((m) => m.mtimeMs)), options.now);
  if (existing) {
    const old = await readArchiveMembers(file);
    const info = await lstat(file);
    if (old && sameMembers(old, members) && Math.floor(info.mtimeMs / 1000) * 1000 === Math.floor(newest / 1000) * 1000) {
      return { action: 'unchanged', members: members.length, file };
    }
  }
  if (options.dryRun) return { action: 'written', members: members.length, file };
  const temporary = `${file}.tmp-${process.pid}`;
  const tar = await loadTar();
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(temporary));
  for (const m of members) {
    pack.entry({ name: m.path, type: m.type, mode: m.mode, uid: m.uid, gid: m.gid, mtime: new Date(m.mtimeMs), devmajor: m.devmajor, devminor: m.devminor, size: 0 });
  }
  pack.finalize();
  await written;
  await utimes(temporary, newest / 1000, newest / 1000);
  await rename(temporary, file);
  return { action: 'written', members: members.length, file };
}
