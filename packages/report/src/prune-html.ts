import { formatIecSize } from '@rclone-b2/core';
import type { PruneReportData } from './data.js';
import { dollars } from './dollars.js';
import { escapeHtml } from './escape.js';
import { costCell, monthlyCost, numberCell, sizeCell } from './format.js';

const VERDICT = { keep: 'keep', delete: 'would delete', ignore: 'left alone' } as const;

/**
 * The plan's totals and, per file, its versions as a plain table (complete without
 * JavaScript); the page code draws each file's timeline above its table.
 */
export function pruneBody(data: PruneReportData): string {
  const t = data.totals;
  const saved = monthlyCost(t.deleteBytes, data.pricePerTBMonth);
  const files = data.files
    .map((file, index) => {
      const rows = file.versions
        .map((v) => {
          const size = v.hide ? '<td class="num" data-value="0">–</td>' : sizeCell(v.bytes);
          return `<tr data-verdict="${v.action}"><td><time datetime="${escapeHtml(v.time)}">${escapeHtml(v.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time></td><td class="path">${escapeHtml(v.hide ? '(deletion marker)' : v.name)}</td>${size}<td class="${v.action}">${VERDICT[v.action]}</td><td>${escapeHtml(v.reason)}</td></tr>`;
        })
        .join('\n');
      return `<div class="file" data-path="${escapeHtml(file.path)}">
<h3>${escapeHtml(file.path)}</h3>
<p class="meta">${file.live ? 'live' : 'deleted'} · policy ${escapeHtml(file.policy)}</p>
<div class="timeline-slot" data-index="${index}"></div>
<table class="versions"><thead><tr><th>Uploaded (UTC)</th><th>Version</th><th class="num">Size</th><th>Verdict</th><th>Rule</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</div>`;
    })
    .join('\n');
  const notShown =
    data.filesNotShown > 0
      ? ` ${data.filesNotShown.toLocaleString('en-US')} more files (nothing to delete, or past the first ${data.files.length}) are counted but not listed.`
      : '';
  return `<p class="note">Ages as of ${escapeHtml(data.now.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}. Nothing has been deleted: this is the plan of a dry run. Sizes are stored (encrypted) bytes, as B2 bills them; cost at $${data.pricePerTBMonth} per TB (10<sup>12</sup> bytes) and month.${notShown}</p>
<table id="totals">
<thead><tr><th></th><th class="num">Versions</th><th class="num">Bytes</th><th class="num">$/month</th></tr></thead>
<tbody>
<tr class="delete"><th scope="row" class="delete">Would delete</th>${numberCell(t.deleteVersions)}${sizeCell(t.deleteBytes)}${costCell(saved)}</tr>
<tr class="keep"><th scope="row" class="keep">Keep</th>${numberCell(t.keepVersions)}${sizeCell(t.keepBytes)}${costCell(monthlyCost(t.keepBytes, data.pricePerTBMonth))}</tr>
</tbody>
</table>
<p class="note">Pruning frees ${escapeHtml(formatIecSize(t.deleteBytes))}, about ${dollars(saved)} a month.</p>
<div class="legend"><span><span class="swatch" style="background:var(--current)"></span>current</span><span><span class="swatch" style="background:var(--keep)"></span>kept old version</span><span><span class="swatch" style="background:var(--delete)"></span>would be deleted</span><span><span class="swatch" style="background:var(--muted)"></span>deletion marker</span></div>
<section id="files" aria-label="Files">
${files}
</section>
`;
}
