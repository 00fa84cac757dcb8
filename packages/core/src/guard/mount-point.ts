import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Undoes the octal escapes (`\040` for space) of /proc/self/mountinfo. */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * Whether PATH is a mount point: its device differs from its parent's (the classic
 * test), or /proc/self/mountinfo lists it (catches bind mounts of the same file system).
 */
export async function isMountPoint(path: string, mountinfo = '/proc/self/mountinfo'): Promise<boolean> {
  const real = await realpath(path);
  if (real === '/') return true;
  const [self, parent] = await Promise.all([stat(real), stat(dirname(real))]);
  if (self.dev !== parent.dev) return true;
  try {
    const text = await readFile(mountinfo, 'utf8');
    return text.split('\n').some((line) => {
      const field = line.split(' ')[4];
      return field !== undefined && unescapeMountPath(field) === real;
    });
  } catch {
    return false;
  }
}
