import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { obscure } from '@rclone-b2/core';

export { obscure };

/** What writeRcloneTestConfig needs of an emulator (the handle from startEmulator fits). */
export interface EmulatorEndpoint {
  url: string;
  keyId: string;
  key: string;
}

export interface RcloneTestConfigOptions {
  emulator: EmulatorEndpoint;
  /** Directory to write `rclone.conf` into (created if missing). */
  dir: string;
  bucket: string;
  /** Path inside the bucket the crypt remote starts at (default `backup`; '' for the bucket root). */
  prefix?: string;
  cryptRemoteName?: string;
  b2RemoteName?: string;
  /** Plain crypt passwords (obscured into the file). */
  password?: string;
  password2?: string;
  filenameEncryption?: 'standard' | 'obfuscate' | 'off';
  directoryNameEncryption?: boolean;
  filenameEncoding?: 'base32' | 'base64' | 'base32768';
  /** Create the bucket through the API so tools can find it before rclone writes (default true). */
  createBucket?: boolean;
}

export interface RcloneTestConfig {
  configPath: string;
  b2Remote: string;
  cryptRemote: string;
  /** `b2Remote:bucket/prefix` — where the crypt remote's encrypted names live. */
  b2Path: string;
  /** `cryptRemote:` */
  cryptPath: string;
  bucket: string;
  prefix: string;
  password: string;
  password2: string;
  /** Environment for running rclone with this config: `{ RCLONE_CONFIG: configPath }`. */
  env: Record<string, string>;
}

async function ensureBucket(emulator: EmulatorEndpoint, bucket: string): Promise<void> {
  const basic = Buffer.from(`${emulator.keyId}:${emulator.key}`).toString('base64');
  const auth = await fetch(`${emulator.url}/b2api/v2/b2_authorize_account`, { headers: { Authorization: `Basic ${basic}` } });
  if (!auth.ok) throw new Error(`b2-emulator: authorize failed with ${auth.status}`);
  const { accountId, authorizationToken, apiUrl, allowed } = (await auth.json()) as {
    accountId: string;
    authorizationToken: string;
    apiUrl: string;
    allowed?: { bucketName?: string | null };
  };
  if (allowed?.bucketName === bucket) return;
  const res = await fetch(`${apiUrl}/b2api/v2/b2_create_bucket`, {
    method: 'POST',
    headers: { Authorization: authorizationToken, 'Content-Type': 'application/json' },
    body: JSON.stringify({ accountId, bucketName: bucket, bucketType: 'allPrivate' }),
  });
  if (res.ok) return;
  const error = (await res.json()) as { code?: string; message?: string };
  if (error.code !== 'duplicate_bucket_name') throw new Error(`b2-emulator: create bucket ${bucket}: ${error.code}: ${error.message}`);
}

/** Writes a throw-away rclone.conf: a b2 remote on the emulator and a crypt remote over it. */
export async function writeRcloneTestConfig(options: RcloneTestConfigOptions): Promise<RcloneTestConfig> {
  const b2Remote = options.b2RemoteName ?? 'b2emu';
  const cryptRemote = options.cryptRemoteName ?? 'secret';
  const prefix = (options.prefix ?? 'backup').replace(/^\/+|\/+$/g, '');
  const password = options.password ?? 'test-password';
  const password2 = options.password2 ?? 'test-salt';
  const b2Path = `${b2Remote}:${options.bucket}${prefix ? `/${prefix}` : ''}`;
  const lines = [
    `[${b2Remote}]`,
    'type = b2',
    `account = ${options.emulator.keyId}`,
    `key = ${options.emulator.key}`,
    `endpoint = ${options.emulator.url}`,
    'hard_delete = false',
    '',
    `[${cryptRemote}]`,
    'type = crypt',
    `remote = ${b2Path}`,
    `filename_encryption = ${options.filenameEncryption ?? 'standard'}`,
    `directory_name_encryption = ${options.directoryNameEncryption ?? true}`,
    `password = ${obscure(password)}`,
  ];
  if (password2) lines.push(`password2 = ${obscure(password2)}`);
  if (options.filenameEncoding) lines.push(`filename_encoding = ${options.filenameEncoding}`);
  await mkdir(options.dir, { recursive: true });
  const configPath = join(options.dir, 'rclone.conf');
  await writeFile(configPath, `${lines.join('\n')}\n`, { mode: 0o600 });
  if (options.createBucket ?? true) await ensureBucket(options.emulator, options.bucket);
  return {
    configPath,
    b2Remote,
    cryptRemote,
    b2Path,
    cryptPath: `${cryptRemote}:`,
    bucket: options.bucket,
    prefix,
    password,
    password2,
    env: { RCLONE_CONFIG: configPath },
  };
}
