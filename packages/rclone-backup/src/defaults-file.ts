import { readFile } from 'node:fs/promises';

/**
 * Reads a Debian-style defaults file (`/etc/default/rclone-backups`): `KEY=value` lines,
 * optional `export`, optional single or double quotes, `#` comments. Not run by a shell.
 */
export async function readDefaultsFile(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const values: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)=(.*)$/.exec(raw);
    if (!m) continue;
    let value = (m[2] ?? '').trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    value = quoted ? (quoted[2] ?? '') : value.replace(/\s+#.*$/, '');
    values[m[1] as string] = value;
  }
  return values;
}
