// `rclone-backup-keys`: sets up the key split for one bucket. The key that authorizes this
// (an rclone b2 remote holding the master key, or any key with writeKeys) makes a
// `<name>-backup` key that cannot delete versions, for the nightly backup, and a
// `<name>-prune` key that can, for b2-prune / encrypted-cleanup / b2-recover. The secrets
// go only into a new rclone.conf fragment (mode 0600), never to the terminal.
import { open, unlink } from 'node:fs/promises';
import {
  b2Location,
  B2Client,
  ConfigError,
  GuardError,
  loadRcloneConfig,
  plannedKeys,
  resolveStorage,
  writeWithBackpressure,
  type B2CreatedKey,
  type B2Location,
  type PlannedKey,
  type ToolIO,
} from '@rclone-b2/core';

export interface KeysCommand {
  /** `REMOTE:BUCKET[/PATH]`: a b2 remote (or a crypt/alias remote over one) holding a key with writeKeys. */
  target: string;
  /** Key names are `<name>-backup` and `<name>-prune`. */
  name: string;
  configPath?: string | undefined;
  /** Create the keys (else only say what would be created). */
  apply: boolean;
  /** The new rclone.conf sections go here (must not exist yet); required with apply. */
  output?: string | undefined;
  json: boolean;
}

/** Follows crypt and alias remotes down to the b2 remote and its bucket/prefix. */
async function adminRemote(command: KeysCommand, io: ToolIO): Promise<B2Location> {
  const config = await loadRcloneConfig({ env: io.env, ...(command.configPath ? { configPath: command.configPath } : {}) });
  let storage = resolveStorage(config, command.target);
  for (let hops = 0; storage.type === 'crypt' && storage.remote && hops < 8; hops++) {
    const inner = config.get(storage.remote, 'remote');
    if (!inner) throw new ConfigError(`crypt remote "${storage.remote}" has no "remote ="`);
    storage = resolveStorage(config, storage.path ? `${inner.replace(/\/+$/, '')}/${storage.path}` : inner);
  }
  if (storage.type !== 'b2' || !storage.remote) throw new ConfigError(`${command.target} is not on a b2 remote (it is ${storage.type})`);
  return b2Location(config, storage.remote, storage.path, command.target);
}

const describe = (k: PlannedKey, bucket: string): string =>
  `${k.spec.keyName}: bucket ${bucket}${k.spec.namePrefix ? `, names under ${k.spec.namePrefix}` : ''}, capabilities ${k.spec.capabilities.join(',')}` +
  (k.role === 'backup' ? ' (cannot delete versions: for the nightly backup)' : ' (deletes versions: for b2-prune, encrypted-cleanup, b2-recover; keep it off the backed-up machine)');

/** rclone.conf sections for the created keys (b2 remotes named like the keys). */
export function rcloneSections(keys: readonly B2CreatedKey[], endpoint: string | undefined): string {
  return keys
    .map((k) => [`[${k.keyName}]`, 'type = b2', `account = ${k.applicationKeyId}`, `key = ${k.applicationKey}`, ...(endpoint ? [`endpoint = ${endpoint}`] : []), 'hard_delete = false', ''].join('\n'))
    .join('\n');
}

export async function runKeys(command: KeysCommand, io: ToolIO): Promise<number> {
  const admin = await adminRemote(command, io);
  if (command.apply && !command.output) throw new ConfigError('--apply needs --output FILE: the new keys are written there (mode 0600), never printed');
  // refuse before anything is created, so a failed run leaves no orphan keys
  const out = command.apply && command.output ? await open(command.output, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') throw new GuardError(`${command.output} exists; refusing to overwrite it (the keys were not created)`);
    throw new ConfigError(`cannot create ${command.output}: ${error.message}`);
  }) : undefined;
  try {
    const client = await B2Client.authorize({ applicationKeyId: admin.accountId, applicationKey: admin.applicationKey, ...(admin.endpoint ? { endpoint: admin.endpoint } : {}), ...(io.signal ? { signal: io.signal } : {}) });
    const bucket = await client.getBucket(admin.bucket);
    const planned = plannedKeys(command.name, bucket.bucketId, admin.prefix ? `${admin.prefix}/` : undefined);
    const created: B2CreatedKey[] = [];
    if (out) {
      try {
        for (const k of planned) created.push(await client.createKey(k.spec));
      } finally {
        // even after a failure, the keys that were made are written down (B2 never shows their secrets again)
        await out.writeFile(rcloneSections(created, admin.endpoint));
      }
    }
    if (command.json) {
      const keys = planned.map((k, i) => ({ role: k.role, ...k.spec, bucketName: admin.bucket, ...(created[i] ? { applicationKeyId: created[i].applicationKeyId } : {}) }));
      await writeWithBackpressure(io.stdout, `${JSON.stringify({ apply: command.apply, keys, ...(command.output && command.apply ? { output: command.output } : {}) })}\n`);
      return 0;
    }
    const lines = planned.map((k, i) => (created[i] ? `created ${describe(k, admin.bucket)}, id ${created[i].applicationKeyId}` : `would create ${describe(k, admin.bucket)}`));
    if (out) lines.push(`wrote rclone remotes [${created.map((k) => k.keyName).join('], [')}] to ${command.output} (mode 0600)`);
    else lines.push('nothing created: run again with --apply --output FILE');
    await writeWithBackpressure(io.stdout, `${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    if (out && (await out.stat()).size === 0) await unlink(command.output as string).catch(() => undefined);
    throw error;
  } finally {
    await out?.close();
  }
}
