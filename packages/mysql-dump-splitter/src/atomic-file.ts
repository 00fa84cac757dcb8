import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

// Crash safety: every file is written under a temporary name in the same directory,
// fsync'ed, then renamed; the directory is fsync'ed after renames, so after a crash a
// name holds either its old complete content or its new complete content.

export function writeAllSync(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

export function writeFileAtomicSync(path: string, tempPath: string, data: Uint8Array): void {
  const fd = openSync(tempPath, 'wx', 0o644);
  try {
    try {
      writeAllSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tempPath, path);
  } catch (error) {
    // a full disk: leave no half-written temporary file behind
    rmSync(tempPath, { force: true });
    throw error;
  }
}

export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
