import { createHash } from 'node:crypto';
import { accessSync, constants, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

// Where a tool keeps the lock for an output directory it maintains. Not inside that
// directory: creating and removing a lock file there changes the directory's mtime on
// every run, and a tree that an unchanged run must leave exactly as it was (so the next
// backup uploads nothing) cannot hold its own lock. /run/lock is the FHS place for lock
// files (world-writable, sticky, not hidden by systemd's PrivateTmp); elsewhere the
// temporary directory.

function lockRoot(): string {
  try {
    accessSync('/run/lock', constants.W_OK);
    return '/run/lock';
  } catch {
    return tmpdir();
  }
}

/** The real path of dir; for a directory not created yet, that of its deepest existing ancestor plus the rest. */
function canonicalDir(dir: string): string {
  const abs = resolve(dir);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(canonicalDir(parent), basename(abs));
  }
}

/** The lock file guarding dir for tool: `/run/lock/TOOL.HASH.lock`, the same for every spelling of dir's path. */
export function lockPathFor(tool: string, dir: string): string {
  const key = createHash('sha256').update(canonicalDir(dir)).digest('hex').slice(0, 24);
  return join(lockRoot(), `${tool}.${key}.lock`);
}
