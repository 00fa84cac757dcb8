import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { lstat, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { forEachLimit } from '@rclone-b2/core';
// tar-stream is loaded only when there is an archive to read or write (start-up time). It is
// CommonJS: its exports are the default export's properties, in Node and in the bundled bin alike.
const loadTar = async () => (await import('tar-stream')).default;
import { SPECIALS_ARCHIVE } from './rclone-args.js';
import { childPath, pathBelow, readDirectory, type DirEntry } from './read-directory.js';

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

/**
 * Finds the FIFOs and device nodes below SOURCE (sockets, symlinks, regular files and
 * directories are not special files here), in pre-order with names sorted. Directories
 * are read with entry types (no stat per ordinary file), a level at a time with up to 32
 * reads in flight: on a busy machine each read waits for the thread pool, and reading
 * one directory after the other would add those waits up. `onDirectory` sees every
 * directory's entries (in no particular order of directories), so other checks share the walk.
 * Paths are exact: a byte that is not UTF-8 is U+DC80..U+DCFF (read-directory.ts).
 */
export async function findSpecialFiles(root: string, onDirectory?: (relative: string, entries: readonly DirEntry[]) => void): Promise<SpecialFile[]> {
  const listing = new Map<string, { specials: SpecialFile[]; subdirs: string[] }>();
  let level = [''];
  while (level.length > 0) {
    const below: string[] = [];
    await forEachLimit(level, 32, async (relative) => {
      const entries = await readDirectory(root, relative);
      onDirectory?.(relative, entries);
      const subdirs: string[] = [];
      const names: string[] = [];
      for (const entry of entries) {
        const path = childPath(relative, entry.name);
        if (entry.isDirectory()) subdirs.push(path);
        else if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice()) names.push(path);
      }
      names.sort();
      subdirs.sort();
      const specials = (await Promise.all(names.map(async (path) => toSpecial(path, await lstat(pathBelow(root, path)))))).filter((x): x is SpecialFile => x !== undefined);
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

/**
 * The walk's order (pre-order: a directory's special files, names sorted, before its
 * subdirectories, sorted), for paths found another way: the archive's bytes depend on the
 * order, so the same set gives the same archive however it was found.
 */
export function compareSpecialPaths(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; ; i++) {
    const xFile = i === x.length - 1;
    const yFile = i === y.length - 1;
    if (xFile !== yFile) return xFile ? -1 : 1;
    const [p, q] = [x[i] as string, y[i] as string];
    if (p !== q || xFile) return p < q ? -1 : p > q ? 1 : 0;
  }
}

/**
 * The special files among `paths` (relative to root), as lstat sees them now, in the
 * walk's order. Paths that are gone or no longer special (a socket, a file) are left out;
 * `onMissing` hears of each path that could not be read.
 */
export async function statSpecials(root: string, paths: Iterable<string>, onMissing?: (path: string) => void): Promise<SpecialFile[]> {
  const sorted = [...new Set(paths)].sort(compareSpecialPaths);
  const found = await Promise.all(
    sorted.map(async (path) => {
      try {
        return toSpecial(path, await lstat(pathBelow(root, path)));
      } catch {
        onMissing?.(path);
        return undefined;
      }
    }),
  );
  return found.filter((x): x is SpecialFile => x !== undefined);
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

/**
 * The archive's mtime: the second before the newest member's (a member dated in the future
 * counts as now) plus 1-999 ms taken from a hash of its bytes. rclone compares size and mtime
 * only, and two different sets can give archives of the same size with the same newest member
 * (a FIFO renamed to a name of the same length): without the hash the changed archive would
 * never be uploaded. The second before keeps it out of the future without clamping it to the
 * run's time: a member made this second would otherwise give an archive dated by the run, and
 * the next run would upload it again.
 */
export function archiveMtimeMs(members: readonly SpecialFile[], bytes: Buffer, now: number): number {
  const secondBefore = Math.floor(Math.min(Math.max(...members.map((m) => m.mtimeMs)), now) / 1000) * 1000 - 1000;
  const fraction = 1 + (createHash('sha256').update(bytes).digest().readUInt32BE(0) % 999);
  return secondBefore + fraction;
}

/**
 * Writes SPECIALS_ARCHIVE into `dir` (a directory of ours, never SOURCE) with one entry per
 * special file. The bytes depend only on the members (gzip without a name or time stamp)
 * and so does the mtime (archiveMtimeMs), so an unchanged set has the same size and mtime
 * every run and rclone does not upload it again. `bytes`: those of an earlier archive of
 * exactly these members (specials-cache.ts): no tar, no gzip.
 */
export async function writeSpecialsArchive(dir: string, members: readonly SpecialFile[], now: number, bytes?: Buffer): Promise<string> {
  const file = join(dir, SPECIALS_ARCHIVE);
  if (bytes) {
    await writeFile(file, bytes, { flag: 'wx' });
  } else {
    const tar = await loadTar();
    const pack = tar.pack();
    const written = pipeline(pack, createGzip(), createWriteStream(file, { flags: 'wx' }));
    for (const m of members) {
      pack.entry({ name: m.path, type: m.type, mode: m.mode, uid: m.uid, gid: m.gid, mtime: new Date(m.mtimeMs), devmajor: m.devmajor, devminor: m.devminor, size: 0 });
    }
    pack.finalize();
    await written;
  }
  const mtime = archiveMtimeMs(members, bytes ?? (await readFile(file)), now) / 1000;
  await utimes(file, mtime, mtime);
  return file;
}
