import { formatDuration, formatIecSize } from '@rclone-b2/core';
import type { NightlyConfig, NightlyReportData } from './data.js';
import { escapeHtml } from './escape.js';
import { numberCell, sizeCell } from './format.js';

const STATE = { ok: 'ok', failing: 'failing', stale: 'STALE', 'never-run': 'never run' } as const;

const when = (iso: string): string => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');

function statusRow(config: NightlyConfig, index: number): string {
  const last = config.runs[0];
  const stale = config.state === 'stale' || config.state === 'never-run';
  const coverage = last?.coverage;
  return `<tr data-config="${escapeHtml(config.name)}" data-state="${config.state}"${stale ? ' class="stale"' : ''}>
<td class="path">${escapeHtml(config.name)}</td>
<td class="${config.state === 'ok' ? 'ok' : 'bad'}">${STATE[config.state]}</td>
<td>${config.lastSuccess ? `<time datetime="${escapeHtml(config.lastSuccess)}">${escapeHtml(when(config.lastSuccess))}</time>` : 'never'}</td>
<td>${last ? `${last.exitCode === 0 ? 'ok' : `exit ${last.exitCode}`}${last.error ? `: ${escapeHtml(last.error)}` : ''}` : '–'}</td>
<td class="num" data-value="${last?.seconds ?? 0}">${last ? escapeHtml(formatDuration(Math.round(last.seconds) * 1000)) : '–'}</td>
${last ? sizeCell(last.bytes) : '<td class="num" data-value="0">–</td>'}
${numberCell(config.consecutiveFailures)}
${numberCell(config.missedRuns)}
<td class="num" data-value="${coverage ?? -1}">${coverage === undefined ? '–' : `${coverage}%`}${config.coverageWindowDays !== undefined ? ` <span class="meta">in ${config.coverageWindowDays} d</span>` : ''}</td>
<td><span class="spark-slot" data-index="${index}"></span></td>
</tr>`;
}

function runsTable(config: NightlyConfig): string {
  const rows = config.runs
    .map(
      (run) =>
        `<tr${run.exitCode === 0 ? '' : ' class="failed"'}><td><time datetime="${escapeHtml(run.started)}">${escapeHtml(when(run.started))}</time></td><td class="num">${escapeHtml(formatDuration(Math.round(run.seconds) * 1000))}</td><td class="${run.exitCode === 0 ? 'ok' : 'bad'}">${run.exitCode === 0 ? 'ok' : `exit ${run.exitCode}`}</td>${sizeCell(run.bytes)}${sizeCell(run.verifiedBytes)}<td class="num">${run.coverage === undefined ? '–' : `${run.coverage}%`}</td><td>${escapeHtml(run.error ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<details><summary>${escapeHtml(config.name)}: last ${config.runs.length} of ${config.totalRuns} runs</summary>
<table class="runs"><thead><tr><th>Started</th><th class="num">Took</th><th>Result</th><th class="num">Uploaded</th><th class="num">Verified</th><th class="num">Coverage</th><th>Error</th></tr></thead>
<tbody>
${rows}
</tbody></table></details>`;
}

/** Every backup's standing (stale ones highlighted) and its recent runs, as plain tables; the page code adds the coverage charts. */
export function nightlyBody(data: NightlyReportData): string {
  const stale = data.configs.filter((c) => c.state === 'stale' || c.state === 'never-run').length;
  const uploaded = data.configs.reduce((sum, c) => sum + (c.runs[0]?.bytes ?? 0), 0);
  return `<p class="note">${data.configs.length} backups; ${stale === 0 ? 'none stale' : `<span class="bad">${stale} stale</span>`} (no success within ${data.maxAgeHours} h). The last runs uploaded ${escapeHtml(formatIecSize(uploaded))}. Coverage: share of each backup's bytes verified within its ledger's window.</p>
<table id="status">
<thead><tr><th scope="col" data-sort="text"><button type="button">Backup</button></th><th scope="col" data-sort="text"><button type="button">State</button></th><th scope="col">Last success</th><th scope="col">Last run</th><th scope="col" class="num" data-sort="number"><button type="button">Took</button></th><th scope="col" class="num" data-sort="number"><button type="button">Uploaded</button></th><th scope="col" class="num" data-sort="number"><button type="button">Failures</button></th><th scope="col" class="num" data-sort="number"><button type="button">Missed</button></th><th scope="col" class="num" data-sort="number"><button type="button">Coverage</button></th><th scope="col">Coverage over time</th></tr></thead>
<tbody>
${data.configs.map(statusRow).join('\n')}
</tbody>
</table>
<h2>Recent runs</h2>
${data.configs.map(runsTable).join('\n')}
`;
}
