import { DuTree } from '@rclone-b2/core';
import { describe, expect, it } from 'vitest';
import { duReportData, type DuNode } from '../src/index.js';

/** A tree of `files` files spread over nested directories, sizes from a fixed sequence. */
function tree(files: number): { tree: DuTree; total: number } {
  const t = new DuTree();
  let total = 0;
  for (let i = 0; i < files; i += 1) {
    const size = (i * 7919) % 10_007;
    total += size;
    t.add(`t${i % 5}/d${i % 37}/f${i}`, size);
  }
  return { tree: t, total };
}

/** Every directory's bytes and files equal its children's plus its "smaller items". */
function checkSums(node: DuNode): number {
  let shown = 1;
  if (!node.d) return shown;
  const children = node.c ?? [];
  expect(children.reduce((s, c) => s + c.s, 0) + (node.r?.s ?? 0)).toBe(node.s);
  expect(children.reduce((s, c) => s + c.f, 0) + (node.r?.f ?? 0)).toBe(node.f);
  for (const child of children) shown += checkSums(child);
  return shown;
}

describe('duReportData', () => {
  it.each([[50], [400], [100_000]])('with at most %i entries drawn, every total still adds up', async (maxNodes) => {
    const { tree: t, total } = tree(3000);
    const data = await duReportData(t, { tool: 't', title: 't', maxNodes });
    expect(data.root.s).toBe(total);
    expect(data.root.f).toBe(3000);
    const shown = checkSums(data.root) - 1;
    expect(shown).toBe(Math.min(maxNodes, t.count));
    expect(data.threshold > 0).toBe(maxNodes < t.count);
  });

  it('lists the largest directories, largest first, with their file counts', async () => {
    const { tree: t } = tree(3000);
    const data = await duReportData(t, { tool: 't', title: 't', tableRows: 7 });
    expect(data.largest).toHaveLength(7);
    expect(
      data.largest
        .map((r) => r.path)
        .slice(0, 5)
        .sort(),
    ).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(data.largest[0]?.files).toBe(600);
    for (let i = 1; i < data.largest.length; i += 1) expect(data.largest[i]!.bytes).toBeLessThanOrEqual(data.largest[i - 1]!.bytes);
  });

  it('takes old-version bytes per entry from the old tree', async () => {
    const all = new DuTree();
    const old = new DuTree();
    all.add('a/x', 10);
    all.add('a/x-v2026-01-01-000000-000', 30);
    old.add('a/x-v2026-01-01-000000-000', 30);
    all.add('b/y', 5);
    const data = await duReportData(all, { tool: 't', title: 't', oldTree: old });
    expect(data.root.o).toBe(30);
    const a = data.root.c?.find((c) => c.n === 'a');
    expect(a?.o).toBe(30);
    expect(a?.c?.map((c) => [c.n, c.o])).toEqual([
      ['x-v2026-01-01-000000-000', 30],
      ['x', 0],
    ]);
    expect(data.largest.map((r) => [r.path, r.old])).toEqual([
      ['a', 30],
      ['b', 0],
    ]);
  });
});
