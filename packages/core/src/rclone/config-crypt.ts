// Encrypted rclone.conf (fs/config/crypt.go): "RCLONE_ENCRYPT_V0:" then standard base64 of
// nonce(24) ‖ secretbox(INI text), key = SHA-256("[" + NFKC(password) + "][rclone-config]").
import { createHash, randomBytes } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { ConfigError } from '../cli/errors.js';

const HEADER = 'RCLONE_ENCRYPT_V0:';

/** `plain` for an ordinary config, `encrypted` for a V0 one (returns the base64 body). */
export function detectConfigEncryption(text: string): { kind: 'plain' } | { kind: 'encrypted'; body: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line === HEADER) return { kind: 'encrypted', body: lines.slice(i + 1).join('') };
    if (line.startsWith('RCLONE_ENCRYPT_V')) {
      throw new ConfigError('unsupported configuration encryption - update rclone for support');
    }
    return { kind: 'plain' };
  }
  return { kind: 'plain' };
}

/** The secretbox key for a config password (validated and NFKC-normalised like rclone). */
export function configKey(password: string): Buffer {
  if (password.trim() === '') throw new ConfigError('configuration password must not be empty or only whitespace');
  return createHash('sha256').update(`[${password.normalize('NFKC')}][rclone-config]`, 'utf8').digest();
}

/** Decrypts the text of an encrypted rclone.conf; ConfigError on a wrong password or damage. */
export function decryptConfigText(text: string, password: string, file = 'rclone.conf'): string {
  const found = detectConfigEncryption(text);
  if (found.kind === 'plain') return text;
  const raw = Buffer.from(found.body.replace(/\s+/g, ''), 'base64');
  if (raw.length < 24 + 16) throw new ConfigError('configuration data too short', file);
  try {
    const plain = xsalsa20poly1305(configKey(password), raw.subarray(0, 24)).decrypt(raw.subarray(24));
    return Buffer.from(plain).toString('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('couldn\'t decrypt configuration, most likely wrong password (RCLONE_CONFIG_PASS)', file);
  }
}

/** Encrypts INI text the way rclone writes an encrypted config (nonce random unless given). */
export function encryptConfigText(plain: string, password: string, nonce: Uint8Array = randomBytes(24)): string {
  if (nonce.length !== 24) throw new RangeError('nonce must be 24 bytes');
  const sealed = xsalsa20poly1305(configKey(password), nonce).encrypt(Buffer.from(plain, 'utf8'));
  const body = Buffer.concat([nonce, sealed]).toString('base64');
  return `# Encrypted rclone configuration File\n\n${HEADER}\n${body}`;
}
