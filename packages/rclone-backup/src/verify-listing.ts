import { ByteLines } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { runRcloneJson } from './context.js';
import { parseLsjsonLine, type ListOptions } from './listing.js';
import { sourceListingArgs } from './rclone-args.js';
import { FILE, FALLBACK, parseLsjsonBytes, type LsjsonRecord } from './verify-lsjson-bytes.js';

/** Where verify's listing goes: a path as UTF-8 bytes buf[start, end). */
export interface ListingSink {
  addBytes(buf: Buffer, start: number, end: number, size: number, mtimeMs: number): void;
}

/**
 * listSource for verify, which needs the whole backup's list: the same rclone command, its
 * output read as bytes chunk by chunk and each file's path copied straight into `sink`
 * (no string, object or async step per file). Lines the byte reader is unsure of go
 * through parseLsjsonLine, so every line reads as listSource would read it. With
 * `spoolDir`, rclone writes the listing into a temporary file there rather than a pipe.
 */
export async function listSourceInto(config: BackupConfig, ctx: BackupContext, options: ListOptions, sink: ListingSink, spoolDir?: string): Promise<void> {
  const args = sourceListingArgs(config, ['lsjson', '-R', '--files-only', '--no-mimetype'], options);
  const record: LsjsonRecord = { pathStart: 0, pathEnd: 0, size: 0, mtimeMs: 0 };
  const lines = new ByteLines((buf, start, end) => {
    const found = parseLsjsonBytes(buf, start, end, record);
    if (found === FILE) sink.addBytes(buf, record.pathStart, record.pathEnd, record.size, record.mtimeMs);
    else if (found === FALLBACK) {
      const file = parseLsjsonLine(buf.toString('utf8', start, end));
      if (file) {
        const bytes = Buffer.from(file.path);
        sink.addBytes(bytes, 0, bytes.length, file.size, file.mtimeMs);
      }
    }
  });
  await runRcloneJson(ctx, args, { onStdoutChunk: (chunk) => lines.push(chunk), stdoutSpoolDir: spoolDir });
  lines.end();
}
