import { nameFromBytes } from '../../names/name-bytes.js';
import { groupIds } from '../group.js';
import type { DuTree } from '../tree.js';
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
    const children = new Children(tree);
    let root = 0;
    let rootName = '.';
    if (children.dirCount(0) === 1 && children.fileCount(0) === 0) {
      root = children.dirAt(children.dirStart(0));
      rootName = nameFromBytes(tree.dirs.nameBytes(root));
    }
    await emit(out, `[1,2,${JSON.stringify(meta)},\n`);
    await writeDir(out, tree, children, root, rootName);
    await emit(out, ']\n');
  },
};

/** Each directory's files and sub-directories, grouped by a counting sort over the flat columns. */
class Children {
  private readonly dirFirst: Uint32Array;
  private readonly dirOrder: Uint32Array;
  private readonly fileFirst: Uint32Array;
  private readonly fileOrder: Uint32Array;

  constructor(tree: DuTree) {
    const { dirs, files } = tree;
    [this.dirFirst, this.dirOrder] = groupIds(dirs.count, 1, dirs.count, (d) => dirs.parent[d] as number);
    [this.fileFirst, this.fileOrder] = groupIds(dirs.count, 0, files.count, (f) => files.dir[f] as number);
  }
  dirCount(d: number): number {
    return (this.dirFirst[d + 1] as number) - (this.dirFirst[d] as number);
  }
  fileCount(d: number): number {
    return (this.fileFirst[d + 1] as number) - (this.fileFirst[d] as number);
  }
  dirStart(d: number): number {
    return this.dirFirst[d] as number;
  }
  dirAt(i: number): number {
    return this.dirOrder[i] as number;
  }
  fileStart(d: number): number {
    return this.fileFirst[d] as number;
  }
  fileAt(i: number): number {
    return this.fileOrder[i] as number;
  }
}

async function emit(out: ChunkWriter, text: string): Promise<void> {
  const wait = out.write(text);
  if (wait) await wait;
}

async function writeDir(out: ChunkWriter, tree: DuTree, children: Children, dir: number, name: string): Promise<void> {
  const { files, dirs } = tree;
  let childSum = 0;
  let text = '';
  const fileStart = children.fileStart(dir);
  for (let i = fileStart; i < fileStart + children.fileCount(dir); i += 1) {
    const f = children.fileAt(i);
    const size = files.size[f] as number;
    childSum += size;
    text += `,\n{"name":${JSON.stringify(nameFromBytes(files.nameBytes(f)))},"asize":${size},"dsize":${size}}`;
    if (text.length > 16384) {
      await emit(out, text);
      text = '';
    }
  }
  const dirStart = children.dirStart(dir);
  const dirEnd = dirStart + children.dirCount(dir);
  for (let i = dirStart; i < dirEnd; i += 1) childSum += tree.totals[children.dirAt(i)] as number;
  const own = Math.max(0, (tree.totals[dir] as number) - childSum);
  const head = own > 0 ? `{"name":${JSON.stringify(name)},"asize":${own},"dsize":${own}}` : `{"name":${JSON.stringify(name)}}`;
  await emit(out, `[${head}${text}`);
  for (let i = dirStart; i < dirEnd; i += 1) {
    const sub = children.dirAt(i);
    await emit(out, ',\n');
    await writeDir(out, tree, children, sub, nameFromBytes(dirs.nameBytes(sub)));
  }
  await emit(out, ']');
}
