import { parentPort } from 'node:worker_threads';
import { readFileChunks } from './read-file-chunks.js';
import { readListing } from './read-listing.js';
import { DuTree } from './tree.js';
import { isReadJob, type ReadReply } from './read-job.js';
import { treePart, type TreePart } from './tree-part.js';

// The reading thread of parallel-read.ts: reads a later part of an `rclone ls` listing
// file into a tree of its own and hands that tree's columns to the main thread.

if (parentPort !== null) {
  const port = parentPort;
  // One job; then nothing listens and the thread ends.
  port.once('message', (job: unknown) => {
    if (!isReadJob(job)) return;
    void (async () => {
      let reply: ReadReply;
      try {
        const tree = new DuTree();
        tree.expectListingBytes(job.expected - job.from);
        // A later part: no byte-order mark; lines that cannot be parsed make the main thread read the part itself (its warnings count lines).
        const result = await readListing(readFileChunks(job.fd, undefined, true, job.from), tree, { format: 'rclone-ls', linesBefore: 1, compiled: job.compiled });
        reply = { lines: result.lines, skipped: result.skipped, part: result.skipped === 0 ? treePart(tree) : undefined };
      } catch {
        reply = { lines: 0, skipped: 0, part: undefined };
      }
      port.postMessage(reply, reply.part ? movable(reply.part) : []);
    })();
  });
}

/** The part's memory that is not shared (moved, not copied). */
function movable(part: TreePart): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of [part.fileSize, part.inOrder]) if (a.buffer instanceof ArrayBuffer && !out.includes(a.buffer)) out.push(a.buffer);
  return out;
}
