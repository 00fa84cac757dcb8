import { JSON_FLAG, parseArgv, RCLONE_CONFIG_FLAG, stringFlag, toolParser, TOOLSET_VERSION, UsageError, type ToolIO } from '@rclone-b2/core';

function parser() {
  return toolParser({
    name: 'rclone-backup-keys',
    version: TOOLSET_VERSION,
    usage:
      '$0 [--name NAME] [--apply --output FILE] [--config rclone.conf] REMOTE:BUCKET[/PATH]\n\n' +
      'Set up two application keys for one bucket: NAME-backup (list, read, upload, hide; cannot delete a version)\n' +
      'for the nightly backup, and NAME-prune (also deletes) for b2-prune, encrypted-cleanup and b2-recover.',
    flags: {
      ...JSON_FLAG,
      ...RCLONE_CONFIG_FLAG,
      name: stringFlag({ description: 'Key name stem: keys are NAME-backup and NAME-prune (default: the bucket name)' }),
      apply: { type: 'boolean', default: false, description: 'Create the keys (without it: print what would be created)' } as const,
      output: stringFlag({ description: 'Write the new keys as rclone.conf b2 remotes to this new file (mode 0600)' }),
    },
    epilogue: [
      'REMOTE is a b2 remote (or a crypt or alias remote over one) whose key may create keys (writeKeys),',
      'usually the master key. With PATH, both keys are limited to names under PATH/.',
      'The secrets are written to --output only, never printed: B2 shows a key once.',
      '',
      'EXAMPLES',
      '  rclone-backup-keys b2:my-bucket/backup',
      '  rclone-backup-keys --apply --output /root/new-keys.conf --name nas b2:my-bucket/backup',
    ].join('\n'),
  });
}

export async function keysMain(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const o = parsed.options;
  const positional = o._.map(String);
  if (positional.length !== 1) throw new UsageError('expected one REMOTE:BUCKET[/PATH]');
  const target = positional[0] as string;
  if (!target.includes(':')) throw new UsageError(`"${target}" is not REMOTE:BUCKET[/PATH]`);
  if (o.output !== undefined && !o.apply) throw new UsageError('--output is only used with --apply');
  const bucket = target.slice(target.indexOf(':') + 1).replace(/^\/+/, '').split('/')[0] ?? '';
  const name = o.name ?? bucket;
  // B2 key names: 1-100 letters, digits and '-', and '-backup' is appended
  if (!/^[A-Za-z0-9-]{1,93}$/.test(name)) throw new UsageError(`invalid value ${JSON.stringify(name)} for --name: letters, digits and '-' only, at most 93`);
  // Loaded only to run: --help, --version and usage errors never evaluate the command's code (start-up).
  const { runKeys } = await import('./keys.js');
  return runKeys({ target, name, configPath: o.rcloneConfig, apply: o.apply, output: o.output, json: o.json }, io);
}
