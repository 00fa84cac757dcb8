// Application keys as B2 has them: a master key with every capability, and keys made with
// b2_create_key that carry a list of capabilities and optionally a bucket and a name
// prefix. The secret is returned once, by b2_create_key; b2_list_keys never shows it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { B2ApiError, badRequest } from './errors.js';

/** B2's capability names (b2_create_key's valid values). */
export const CAPABILITIES = [
  'listKeys', 'writeKeys', 'deleteKeys', 'listAllBucketNames', 'listBuckets', 'readBuckets', 'writeBuckets', 'deleteBuckets',
  'readBucketRetentions', 'writeBucketRetentions', 'readBucketEncryption', 'writeBucketEncryption', 'readBucketNotifications',
  'writeBucketNotifications', 'listFiles', 'readFiles', 'shareFiles', 'writeFiles', 'deleteFiles', 'readFileLegalHolds',
  'writeFileLegalHolds', 'readFileRetentions', 'writeFileRetentions', 'bypassGovernance',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Account-wide capabilities a bucket-restricted key cannot have (B2 refuses them at b2_create_key). */
const ACCOUNT_ONLY: ReadonlySet<string> = new Set(['listKeys', 'writeKeys', 'deleteKeys', 'writeBuckets', 'deleteBuckets']);

export interface StoredKey {
  keyName: string;
  applicationKeyId: string;
  applicationKey: string;
  capabilities: string[];
  bucketId: string | null;
  namePrefix: string | null;
  /** Clock ms, or null for a key that does not expire. */
  expirationTimestamp: number | null;
}

export interface NewKey {
  keyName: string;
  capabilities: string[];
  bucketId?: string;
  namePrefix?: string;
  expirationTimestamp?: number;
}

/** The key as b2_list_keys / b2_delete_key show it: everything but the secret. */
export function keyJson(accountId: string, k: StoredKey): Record<string, unknown> {
  return {
    accountId,
    applicationKeyId: k.applicationKeyId,
    bucketId: k.bucketId,
    capabilities: k.capabilities,
    expirationTimestamp: k.expirationTimestamp,
    keyName: k.keyName,
    namePrefix: k.namePrefix,
    options: ['s3'],
  };
}

/** Checks b2_create_key's arguments the way B2 does (400 bad_request). */
export function validateNewKey(k: NewKey): void {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(k.keyName)) throw badRequest(`Invalid keyName: ${k.keyName} (1-100 letters, digits and '-')`);
  if (k.capabilities.length === 0) throw badRequest('capabilities must not be empty');
  for (const c of k.capabilities) if (!(CAPABILITIES as readonly string[]).includes(c)) throw badRequest(`Unknown capability: ${c}`);
  if (k.namePrefix !== undefined && k.bucketId === undefined) throw badRequest('namePrefix requires bucketId');
  if (k.bucketId !== undefined) {
    const bad = k.capabilities.filter((c) => ACCOUNT_ONLY.has(c));
    if (bad.length) throw badRequest(`A key restricted to a bucket cannot have: ${bad.join(', ')}`);
  }
}

/** The account's keys; the master key is the first and cannot be deleted through the API. */
export class KeyRing {
  private readonly keys = new Map<string, StoredKey>();

  constructor(
    readonly master: StoredKey,
    private readonly file?: string,
  ) {
    this.keys.set(master.applicationKeyId, master);
    if (file && existsSync(file)) for (const k of JSON.parse(readFileSync(file, 'utf8')) as StoredKey[]) this.keys.set(k.applicationKeyId, k);
  }

  private save(): void {
    if (!this.file) return;
    const created = [...this.keys.values()].filter((k) => k !== this.master);
    writeFileSync(this.file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  }

  get(applicationKeyId: string): StoredKey | undefined {
    return this.keys.get(applicationKeyId);
  }

  create(accountId: string, k: NewKey): StoredKey {
    validateNewKey(k);
    const key: StoredKey = {
      keyName: k.keyName,
      applicationKeyId: `00${accountId.slice(0, 10)}${randomBytes(7).toString('hex')}`,
      applicationKey: `K00${randomBytes(15).toString('base64').replace(/[+/=]/g, 'x')}`,
      capabilities: [...k.capabilities],
      bucketId: k.bucketId ?? null,
      namePrefix: k.namePrefix ?? null,
      expirationTimestamp: k.expirationTimestamp ?? null,
    };
    this.keys.set(key.applicationKeyId, key);
    this.save();
    return key;
  }

  /** Created keys (not the master), ordered by id like b2_list_keys. */
  list(): StoredKey[] {
    return [...this.keys.values()].filter((k) => k !== this.master).sort((a, b) => (a.applicationKeyId < b.applicationKeyId ? -1 : 1));
  }

  delete(applicationKeyId: string): StoredKey {
    const key = this.keys.get(applicationKeyId);
    if (!key || key === this.master) throw badRequest(`Invalid applicationKeyId: ${applicationKeyId}`);
    this.keys.delete(applicationKeyId);
    this.save();
    return key;
  }
}

/** 401 `unauthorized`, B2's answer to a key that lacks a capability or a restriction it needs. */
export const unauthorized = (message: string): B2ApiError => new B2ApiError(401, 'unauthorized', message);

/** The capability each call needs (B2 API docs: "The token must have the … capability"). */
export const REQUIRED_CAPABILITY: Readonly<Record<string, Capability>> = {
  b2_list_buckets: 'listBuckets',
  b2_create_bucket: 'writeBuckets',
  b2_update_bucket: 'writeBuckets',
  b2_delete_bucket: 'deleteBuckets',
  b2_get_upload_url: 'writeFiles',
  b2_list_file_names: 'listFiles',
  b2_list_file_versions: 'listFiles',
  b2_list_unfinished_large_files: 'listFiles',
  b2_hide_file: 'writeFiles',
  b2_delete_file_version: 'deleteFiles',
  b2_get_file_info: 'readFiles',
  b2_start_large_file: 'writeFiles',
  b2_get_upload_part_url: 'writeFiles',
  b2_finish_large_file: 'writeFiles',
  b2_cancel_large_file: 'writeFiles',
  b2_list_parts: 'writeFiles',
  b2_copy_file: 'writeFiles',
  b2_copy_part: 'writeFiles',
  b2_get_download_authorization: 'shareFiles',
  b2_download_file_by_id: 'readFiles',
  b2_download_file_by_name: 'readFiles',
  b2_create_key: 'writeKeys',
  b2_list_keys: 'listKeys',
  b2_delete_key: 'deleteKeys',
  b2_update_file_retention: 'writeFileRetentions',
  b2_update_file_legal_hold: 'writeFileLegalHolds',
};

/** B2's wording: "unauthorized for application key with capabilities '…', restricted to bucket '…', restricted to files that start with '…'". */
export function denied(key: StoredKey, bucketName?: string): B2ApiError {
  const parts = [`unauthorized for application key with capabilities '${key.capabilities.join(',')}'`];
  if (key.bucketId) parts.push(`restricted to bucket '${bucketName ?? key.bucketId}'`);
  if (key.namePrefix) parts.push(`restricted to files that start with '${key.namePrefix}'`);
  return unauthorized(parts.join(', '));
}

export function requireCapability(key: StoredKey, call: string, bucketName?: string): void {
  const needed = REQUIRED_CAPABILITY[call];
  if (needed && !key.capabilities.includes(needed)) throw denied(key, bucketName);
}
