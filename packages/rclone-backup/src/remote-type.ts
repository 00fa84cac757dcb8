import type { BackupContext } from './context.js';
import { runRcloneJson } from './context.js';
import { isLocalPath } from './rclone-args.js';

/**
 * The backend type of the remote a location names (`crypt`, `b2`, …), from
 * `rclone config dump`. The dump holds secrets: it is parsed in memory, never shown.
 */
export async function remoteType(location: string, ctx: BackupContext): Promise<string | undefined> {
  if (isLocalPath(location)) return 'local';
  const name = location.slice(0, location.indexOf(':'));
  if (name === '') return /^:(\w+)/.exec(location)?.[1];
  let text = '';
  await runRcloneJson(ctx, ['config', 'dump'], {
    onStdoutLine: (line) => {
      text += `${line}\n`;
    },
  });
  const dump = JSON.parse(text || '{}') as Record<string, { type?: string }>;
  return dump[name]?.type;
}
