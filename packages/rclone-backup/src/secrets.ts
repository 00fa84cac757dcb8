import { existsSync } from 'node:fs';
import { findConfigPath, loadRcloneConfig, type RcloneEnv } from '@rclone-b2/core';

const SECRET_KEY = /pass|secret|key|token|account|client_id|sas_url|bearer|auth/i;

/**
 * Every secret-looking value of the rclone.conf rclone will read (passwords, keys, tokens,
 * account ids), so the logger and rclone's forwarded output can redact them. The file is
 * found and read by core, as rclone does it: --rclone-config, $RCLONE_CONFIG, then
 * $XDG_CONFIG_HOME/rclone/rclone.conf, ~/.config/rclone/rclone.conf, ~/.rclone.conf; an
 * encrypted one is decrypted with RCLONE_CONFIG_PASS or RCLONE_PASSWORD_COMMAND.
 * A missing file has none (rclone then runs with its defaults).
 */
export async function rcloneSecrets(explicit: string | undefined, env: RcloneEnv): Promise<string[]> {
  const location = findConfigPath({ ...(explicit !== undefined ? { configPath: explicit } : {}), env });
  if (location.path !== undefined && !existsSync(location.path)) return [];
  const config = await loadRcloneConfig({ ...(explicit !== undefined ? { configPath: explicit } : {}), env });
  const secrets = new Set<string>();
  for (const [remote, options] of config.sections) {
    for (const [key, fileValue] of options) {
      if (!SECRET_KEY.test(key)) continue;
      // get() applies RCLONE_CONFIG_<REMOTE>_<KEY> overrides: the value rclone will use
      for (const value of new Set([fileValue, config.get(remote, key) ?? ''])) {
        if (value.length < 4) continue;
        secrets.add(value);
        // Tokens are JSON: redact their inner values too, in case something prints them parsed.
        for (const inner of value.matchAll(/"(?:access_token|refresh_token)"\s*:\s*"([^"]+)"/g)) if (inner[1]) secrets.add(inner[1]);
      }
    }
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}
