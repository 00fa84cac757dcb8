import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { runRcloneJson } from './context.js';
import { sourceListingArgs } from './rclone-args.js';

export interface ListedFile {
  path: string;
  size: number;
  /** Modification time, ms since the epoch. */
  mtimeMs: number;
}

/** Parses one line of `rclone lsjson` output (`{...},`); undefined for `[`, `]` and directories. */
export function parseLsjsonLine(line: string): ListedFile | undefined {
  const text = line.endsWith(',') ? line.slice(0, -1) : line;
  if (!text.startsWith('{')) return undefined;
  const item = JSON.parse(text) as { Path: string; Size: number; ModTime: string; IsDir: boolean };
  if (item.IsDir) return undefined;
  return { path: item.Path, size: item.Size, mtimeMs: Date.parse(item.ModTime) };
}

export interface ListOptions {
  copyLinks: boolean;
  /** rclone duration: only files modified within it. */
  maxAge?: string;
  extraRules?: readonly string[];
}

/**
 * Streams the files the backup contains (SOURCE with the backup's filters) to `onFile`,
 * one at a time as rclone lists them.
 */
export async function listSource(config: BackupConfig, ctx: BackupContext, options: ListOptions, onFile: (file: ListedFile) => void | Promise<void>): Promise<void> {
  const args = sourceListingArgs(config, ['lsjson', '-R', '--files-only', '--no-mimetype'], options);
  await runRcloneJson(ctx, args, {
    onStdoutLine: async (line) => {
      const file = parseLsjsonLine(line);
      if (file) await onFile(file);
    },
  });
}
