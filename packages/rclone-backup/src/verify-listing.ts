import { ByteLines } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { runRcloneJson } from './context.js';
import { parseLsjsonLine, type ListOptions } from './listing.js';
import { sourceListingArgs } from './rclone-args.js';
import { FILE, FALLBACK, parseLsjsonBytes, type LsjsonRecord } from './verify-lsjson-bytes.js';

/**
 * Where verify's listing goes: a path as UTF-8 bytes buf[start, end), its size in
 * numbers[0] and its mtime (ms) in numbers[1] — in a typed array rather than as arguments,
 * which would make a heap number of the time per file wherever a call is not inlined.
 */
export interface ListingSink {
  add(buf: Buffer, start: number, end: number, numbers: Float64Array): void;
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
  const numbers = new Float64Array(2);
  const lines = new ByteLines((buf, start, end) => {
    const found = parseLsjsonBytes(buf, start, end, record);
    if (found === FILE) {
      numbers[0] = record.size;
      numbers[1] = record.mtimeMs;
      sink.add(buf, record.pathStart, record.pathEnd, numbers);
    } else if (found === FALLBACK) {
      const file = parseLsjsonLine(buf.toString('utf8', start, end));
      if (file) {
        const bytes = Buffer.from(file.path);
        numbers[0] = file.size;
        numbers[1] = file.mtimeMs;
        sink.add(bytes, 0, bytes.length, numbers);
      }
    }
  });
  await runRcloneJson(ctx, args, { onStdoutChunk: (chunk) => lines.push(chunk), stdoutSpoolDir: spoolDir });
  lines.end();
}
