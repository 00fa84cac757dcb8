// Application keys, and the split this toolset recommends: the machine that is backed up
// holds a key that can add versions and hide names but cannot delete a version, so
// malware (or a thief) with that key cannot destroy history; pruning runs with a second
// key that can delete, kept off that machine.

/** An application key as b2_list_keys shows it (never the secret). */
export interface B2Key {
  keyName: string;
  applicationKeyId: string;
  capabilities: string[];
  bucketId: string | null;
  namePrefix: string | null;
  expirationTimestamp: number | null;
}

/** What b2_create_key is asked for. */
export interface B2NewKey {
  keyName: string;
  capabilities: string[];
  bucketId?: string;
  namePrefix?: string;
  validDurationInSeconds?: number;
}

/** b2_create_key's answer: the only time B2 returns the secret. */
export interface B2CreatedKey extends B2Key {
  applicationKey: string;
}

/**
 * The nightly backup's key: list, read (verification, `rclone check`), upload and hide.
 * No deleteFiles (no version can be deleted), no writeBuckets (no lifecycle rule can be
 * set that deletes), no key management, no retention changes.
 */
export const BACKUP_CAPABILITIES: readonly string[] = ['listBuckets', 'listFiles', 'readFiles', 'writeFiles'];

/** The pruning key (b2-prune, encrypted-cleanup, b2-recover): also deletes versions and reads locks. */
export const PRUNE_CAPABILITIES: readonly string[] = [...BACKUP_CAPABILITIES, 'deleteFiles', 'readFileRetentions', 'readFileLegalHolds'];

export type KeyRole = 'backup' | 'prune';

export interface PlannedKey {
  role: KeyRole;
  spec: B2NewKey;
}

/** The two keys for one bucket (and optionally one folder of it), named `<name>-backup` and `<name>-prune`. */
export function plannedKeys(name: string, bucketId: string, namePrefix?: string): PlannedKey[] {
  const where = { bucketId, ...(namePrefix ? { namePrefix } : {}) };
  return [
    { role: 'backup', spec: { keyName: `${name}-backup`, capabilities: [...BACKUP_CAPABILITIES], ...where } },
    { role: 'prune', spec: { keyName: `${name}-prune`, capabilities: [...PRUNE_CAPABILITIES], ...where } },
  ];
}

/** A b2_list_keys / b2_create_key entry as B2Key (the secret, if any, is dropped). */
export function toB2Key(k: Record<string, unknown>): B2Key {
  const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    keyName: String(k.keyName ?? ''),
    applicationKeyId: String(k.applicationKeyId ?? ''),
    capabilities: Array.isArray(k.capabilities) ? k.capabilities.filter((c): c is string => typeof c === 'string') : [],
    bucketId: s(k.bucketId),
    namePrefix: s(k.namePrefix),
    expirationTimestamp: typeof k.expirationTimestamp === 'number' ? k.expirationTimestamp : null,
  };
}
