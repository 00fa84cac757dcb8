import type { Writable } from 'node:stream';
import { DuTree } from '@rclone-b2/core';
import { duReportData, writeHtmlReport } from '@rclone-b2/report';
import type { InventorySink } from './ls-sink.js';
import { treeAdder } from './tree-sink.js';

export interface HtmlInventories {
  /** Every version (as the all inventory). */
  all: InventorySink;
  /** Old versions and deleted files (as the deleted inventory): the treemap's old-version share. */
  old: InventorySink;
  /** Writes the page once both trees are complete. */
  write(title: string, pricePerTBMonth: number): Promise<void>;
}

/** The treemap report's two trees; fed alongside (not instead of) the text inventories. */
export function htmlInventories(target: string, cwd: string, stdout: Writable): HtmlInventories {
  const all = new DuTree();
  const old = new DuTree();
  return {
    all: { ...treeAdder(all), finish: async () => {} },
    old: { ...treeAdder(old), finish: async () => {} },
    write: async (title, pricePerTBMonth) => {
      const data = await duReportData(all, { tool: 'encrypted-du', title, oldTree: old, pricePerTBMonth, countNoun: 'versions' });
      await writeHtmlReport(target, cwd, stdout, data);
    },
  };
}

/** One sink feeding two (either may be absent). */
export function teeSink(a: InventorySink | undefined, b: InventorySink): InventorySink {
  if (a === undefined) return b;
  return {
    add: async (path, size) => {
      await a.add(path, size);
      await b.add(path, size);
    },
    addFile: async (entries, pick) => {
      await a.addFile(entries, pick);
      await b.addFile(entries, pick);
    },
    finish: async () => {
      await a.finish();
      await b.finish();
    },
  };
}
