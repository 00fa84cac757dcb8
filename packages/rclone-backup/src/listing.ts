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

/**
 * The record rclone writes for a local file with --no-mimetype, field for field. A listing
 * of a million files spent most of its parsing in JSON.parse building objects only to read
 * three fields; other shapes (more fields, other order, a raw control character, which JSON
 * does not allow in a string) take the JSON.parse path.
 */
// eslint-disable-next-line no-control-regex
const PLAIN_RECORD = /^\{"Path":("(?:[^"\\\u0000-\u001f]|\\.)*"),"Name":"(?:[^"\\\u0000-\u001f]|\\.)*","Size":(-?(?:0|[1-9]\d{0,14})),"ModTime":"([0-9T:.+Z-]+)","IsDir":(true|false)\},?$/;

/** Parses one line of `rclone lsjson` output (`{...},`); undefined for `[`, `]` and directories. */
export function parseLsjsonLine(line: string): ListedFile | undefined {
  const plain = PLAIN_RECORD.exec(line);
  if (plain) {
    if (plain[4] === 'true') return undefined;
    const literal = plain[1] as string;
    const path = literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
    return { path, size: Number(plain[2]), mtimeMs: Date.parse(plain[3] as string) };
  }
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
    onStdoutLine: (line) => {
      const file = parseLsjsonLine(line);
      // No await for a callback that did not return a promise (a million microtasks saved).
      return file ? onFile(file) : undefined;
    },
  });
}
