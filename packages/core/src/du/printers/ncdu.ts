import { FILE_STRIDE, type DuDir } from '../tree.js';
import type { NameArena } from '../arena.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { DuPrinter } from './types.js';

/**
 * ncdu's JSON export format (version 1.2): `[1,2,{meta},[{"name":ROOT},entry...]]`
 * where a directory is `[{"name":...},children...]` and a file `{"name","asize","dsize"}`.
 * `ncdu -f FILE` then browses the listing. Sizes are apparent sizes (dsize = asize).
 * The whole tree is written: --depth/--top/--min-size do not apply.
 */
export const ncduPrinter: DuPrinter = {
  async print(tree, out, options) {
    tree.finish();
    const meta = {
      progname: options.progname ?? 'rclone-b2',
      progver: options.progver ?? '0',
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
    };
    let root = tree.root;
    let rootName = '.';
    const only = root.dirs?.size === 1 && !root.files?.length ? root.dirs.values().next().value : undefined;
    if (only) {
      root = only;
      rootName = only.name;
    }
    await emit(out, `[1,2,${JSON.stringify(meta)},\n`);
    await writeDir(out, root, rootName, tree.arena);
    await emit(out, ']\n');
  },
};

async function emit(out: ChunkWriter, text: string): Promise<void> {
  const wait = out.write(text);
  if (wait) await wait;
}

async function writeDir(out: ChunkWriter, dir: DuDir, name: string, arena: NameArena): Promise<void> {
  let childSum = 0;
  let text = '';
  const files = dir.files;
  if (files !== null) {
    for (let i = 0; i < files.length; i += FILE_STRIDE) {
      const file = arena.text(files[i] as number, files[i + 1] as number);
      const size = files[i + 2] as number;
      childSum += size;
      text += `,\n{"name":${JSON.stringify(file)},"asize":${size},"dsize":${size}}`;
      if (text.length > 16384) {
        await emit(out, text);
        text = '';
      }
    }
  }
  if (dir.dirs) for (const sub of dir.dirs.values()) childSum += sub.total;
  const own = Math.max(0, dir.total - childSum);
  const head = own > 0 ? `{"name":${JSON.stringify(name)},"asize":${own},"dsize":${own}}` : `{"name":${JSON.stringify(name)}}`;
  await emit(out, `[${head}${text}`);
  if (dir.dirs) {
    for (const sub of dir.dirs.values()) {
      await emit(out, ',\n');
      await writeDir(out, sub, sub.name, arena);
    }
  }
  await emit(out, ']');
}
