import { createReadStream } from 'node:fs';
import { readLines } from '@rclone-b2/core';

/** One package of dpkg's status file whose files are on disk as its md5sums describe them. */
export interface InstalledPackage {
  name: string;
  architecture: string;
  /** Conffile path → md5 recorded at installation; obsolete ones are left out (no longer shipped). */
  conffiles: Map<string, string>;
}

/**
 * Package states whose files are all unpacked and recorded: a half-installed or unpacked
 * package may have `.dpkg-new` files and new md5sums, so its files are not excluded
 * (backed up) rather than guessed about.
 */
const SETTLED = new Set(['installed', 'triggers-awaiting', 'triggers-pending']);

/** ` /etc/a b.conf 0123…cdef obsolete` → path, hash and flags (the path may hold spaces). */
function parseConffileLine(line: string): { path: string; hash: string; flags: string[] } | undefined {
  const words = line.trim().split(' ');
  const flags: string[] = [];
  while (words.length > 2 && ['obsolete', 'remove-on-upgrade'].includes(words[words.length - 1] ?? '')) flags.unshift(words.pop() ?? '');
  const hash = words.pop();
  const path = words.join(' ');
  return hash && path.startsWith('/') ? { path, hash, flags } : undefined;
}

/** Streams dpkg's `status` file (one stanza per package) and yields the settled packages. */
export async function* installedPackages(statusFile: string): AsyncGenerator<InstalledPackage> {
  let fields = new Map<string, string>();
  let conffiles = new Map<string, string>();
  let inConffiles = false;
  const finish = (): InstalledPackage | undefined => {
    const state = (fields.get('Status') ?? '').split(' ')[2] ?? '';
    const name = fields.get('Package');
    const result = name && SETTLED.has(state) ? { name, architecture: fields.get('Architecture') ?? 'all', conffiles } : undefined;
    fields = new Map();
    conffiles = new Map();
    inConffiles = false;
    return result;
  };
  for await (const line of readLines(createReadStream(statusFile))) {
    if (line === '') {
      const done = finish();
      if (done) yield done;
    } else if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!inConffiles) continue;
      const entry = parseConffileLine(line);
      if (entry && !entry.flags.includes('obsolete')) conffiles.set(entry.path, entry.hash);
    } else {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon);
      inConffiles = key === 'Conffiles';
      fields.set(key, line.slice(colon + 1).trim());
    }
  }
  const last = finish();
  if (last) yield last;
}
