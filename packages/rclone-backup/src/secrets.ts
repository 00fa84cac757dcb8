import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

const SECRET_KEY = /pass|secret|key|token|account|client_id|sas_url|bearer|auth/i;

/** The rclone.conf rclone will read: --rclone-config, $RCLONE_CONFIG, or the default path. */
export function rcloneConfigPath(explicit: string | undefined, env: Record<string, string | undefined>): string {
  if (explicit) return explicit;
  if (env.RCLONE_CONFIG) return env.RCLONE_CONFIG;
  return join(env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config'), 'rclone', 'rclone.conf');
}

/**
 * Every secret-looking value of rclone.conf (passwords, keys, tokens, account ids), so
 * the logger and rclone's forwarded output can redact them. A missing file has none.
 */
export async function rcloneSecrets(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const secrets = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([\w-]+)\s*=\s*(.+?)\s*$/.exec(line);
    if (m && SECRET_KEY.test(m[1] ?? '') && (m[2] ?? '').length >= 4) {
      secrets.add(m[2] as string);
      // Tokens are JSON: redact their inner values too, in case something prints them parsed.
      for (const inner of (m[2] ?? '').matchAll(/"(?:access_token|refresh_token)"\s*:\s*"([^"]+)"/g)) if (inner[1]) secrets.add(inner[1]);
    }
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}
