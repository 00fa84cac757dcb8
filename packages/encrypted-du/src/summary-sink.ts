import type { Writable } from 'node:stream';
import { DuTree, TOOLSET_VERSION, writeDuReport } from '@rclone-b2/core';
import type { InventorySink } from './ls-sink.js';
import { treeAdder } from './tree-sink.js';

export interface SummaryOptions {
  format: 'text' | 'json' | 'ncdu';
  human: boolean;
  depth?: number | undefined;
  top?: number | undefined;
}

/** Aggregates an inventory in core's du tree and writes the report at the end (as tar-ls-du does). */
export function summarySink(output: Writable, options: SummaryOptions): InventorySink {
  const tree = new DuTree();
  return {
    ...treeAdder(tree),
    finish: () =>
      writeDuReport(tree, output, {
        format: options.format,
        human: options.human,
        depth: options.depth,
        top: options.top,
        progname: 'encrypted-du',
        progver: TOOLSET_VERSION,
      }),
  };
}
