import type { DuReportData } from './data.js';
import { escapeHtml } from './escape.js';
import { costCell, monthlyCost, numberCell, sizeCell } from './format.js';
import { formatIecSize } from '@rclone-b2/core';

/**
 * The treemap's place (drawn by the page code) and the largest directories as a plain
 * table, complete without JavaScript; the page code only makes its columns sortable.
 */
export function duBody(data: DuReportData): string {
  const price = data.pricePerTBMonth;
  const oldColumns = data.hasOld;
  const head = [
    `<th scope="col" data-sort="text"><button type="button">Directory</button></th>`,
    `<th scope="col" class="num" data-sort="number" aria-sort="descending"><button type="button">Size</button></th>`,
    `<th scope="col" class="num" data-sort="number"><button type="button">${escapeHtml(data.countNoun[0]?.toUpperCase() ?? '')}${escapeHtml(data.countNoun.slice(1))}</button></th>`,
    oldColumns ? `<th scope="col" class="num" data-sort="number"><button type="button">Old versions</button></th>` : '',
    price !== undefined ? `<th scope="col" class="num" data-sort="number"><button type="button">$/month</button></th>` : '',
  ].join('');
  const row = (path: string, bytes: number, files: number, old: number | undefined): string =>
    [
      `<td class="path">${escapeHtml(path)}</td>`,
      sizeCell(bytes),
      numberCell(files),
      oldColumns ? sizeCell(old ?? 0) : '',
      price !== undefined ? costCell(monthlyCost(bytes, price)) : '',
    ].join('');
  const body = data.largest.map((r) => `<tr data-path="${escapeHtml(r.path)}">${row(r.path, r.bytes, r.files, r.old)}</tr>\n`).join('');
  const total = row('Total', data.root.s, data.root.f, data.root.o);
  const aggregated =
    data.threshold > 0 ? `Entries of at most ${formatIecSize(data.threshold)} are drawn together per directory as “smaller items”.` : 'Every entry is drawn.';
  const costNote = price !== undefined ? ` Monthly cost at $${price} per TB (10<sup>12</sup> bytes).` : '';
  return `<p class="note">${escapeHtml(formatIecSize(data.root.s))} in ${data.root.f.toLocaleString('en-US')} ${escapeHtml(data.countNoun)}. ${aggregated} Click a rectangle to zoom in, a name above the map to zoom out; hover for details.${costNote}</p>
<div class="layout">
<section class="chart" aria-label="Treemap">
<nav id="crumbs" aria-label="Zoom"></nav>
<div id="treemap"><noscript><p class="note">The treemap needs JavaScript; the table lists the largest directories.</p></noscript></div>
${oldColumns ? '<div class="legend"><span><span class="swatch" style="background:hsl(210 70% 60%)"></span>current data</span><span><span class="swatch" style="background:hsl(25 70% 60%)"></span>old versions</span><span>(colour: share of old-version bytes)</span></div>' : ''}
</section>
<section class="side">
<h2>Largest directories</h2>
<table id="largest">
<thead><tr>${head}</tr></thead>
<tbody>
${body}</tbody>
<tfoot><tr data-path="">${total}</tr></tfoot>
</table>
</section>
</div>
`;
}
