import { quoteForMessage } from '../text/quote-for-message.js';

/**
 * Node's own messages (`ENOENT: no such file or directory, open '/x'`) are for programmers.
 * These turn a system error into what coreutils would say: `cannot open "/x": no such file
 * or directory`. The reason comes from libuv's description inside Node's message, with a
 * table for the common codes when the message has another shape.
 */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9_]+$/.test((error as NodeJS.ErrnoException).code!);
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EPIPE: 'broken pipe',
  EEXIST: 'file already exists',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOTEMPTY: 'directory not empty',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  EBUSY: 'resource busy or locked',
  EXDEV: 'cross-device link not permitted',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links encountered',
  EFBIG: 'file too large',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host is unreachable',
  ENETUNREACH: 'network is unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'temporary failure in name resolution',
};

const VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  close: 'close',
  fsync: 'sync',
  fdatasync: 'sync',
  stat: 'access',
  lstat: 'access',
  fstat: 'access',
  access: 'access',
  mkdir: 'create directory',
  mkdtemp: 'create directory',
  rmdir: 'remove directory',
  unlink: 'remove',
  rm: 'remove',
  rename: 'rename',
  link: 'link',
  symlink: 'create symbolic link',
  readlink: 'read link',
  scandir: 'read directory',
  opendir: 'read directory',
  copyfile: 'copy',
  chmod: 'change permissions of',
  chown: 'change owner of',
  utime: 'set times of',
  futime: 'set times of',
  truncate: 'truncate',
  ftruncate: 'truncate',
  spawn: 'run',
  connect: 'connect to',
  getaddrinfo: 'look up',
};

/** The system's reason in plain words: `no space left on device`. */
export function systemErrorReason(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  const fromNode = new RegExp(`^${code}: ([^,]+)`).exec(error.message)?.[1];
  return REASONS[code] ?? fromNode?.trim().toLowerCase() ?? code.toLowerCase();
}

/** Any error's reason: a system error's in plain words, otherwise its message. */
export function reasonOf(error: unknown): string {
  if (isSystemError(error)) return systemErrorReason(error);
  return error instanceof Error ? error.message : String(error);
}

/**
 * `cannot open "/x": no such file or directory`. `what` names the object when the error
 * has no path (a write to standard output: `cannot write to standard output: ...`).
 */
export function describeSystemError(error: NodeJS.ErrnoException, what?: string): string {
  const syscall = error.syscall?.replace(/^spawn .*/, 'spawn') ?? '';
  const verb = VERBS[syscall] ?? (syscall || 'use');
  const address = (error as { address?: string; port?: number }).address;
  const port = (error as { port?: number }).port;
  const hostname = (error as { hostname?: string }).hostname;
  const target = what
    ?? (error.path !== undefined ? quoteForMessage(error.path) : undefined)
    ?? (address !== undefined ? `${address}${port !== undefined ? `:${port}` : ''}` : undefined)
    ?? (hostname !== undefined ? quoteForMessage(hostname) : undefined);
  const destPath = (error as { dest?: string }).dest;
  const dest = destPath !== undefined ? ` to ${quoteForMessage(destPath)}` : '';
  const object = target ? ` ${target}${dest}` : '';
  return `cannot ${verb}${object}: ${systemErrorReason(error)}`;
}
