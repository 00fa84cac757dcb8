import type { NightlyReportData } from '../data.js';
import { svg, tooltip } from './dom.js';

const WIDTH = 160;
const HEIGHT = 28;

/** A small chart per backup: verification coverage (0-100%) of its runs, oldest to newest. */
export function drawNightly(data: NightlyReportData): void {
  const tip = tooltip();
  for (const slot of Array.from(document.querySelectorAll<HTMLElement>('.spark-slot'))) {
    const config = data.configs[Number(slot.dataset.index)];
    if (!config) continue;
    const points = config.runs
      .filter((run) => run.coverage !== undefined)
      .reverse()
      .map((run) => ({ time: Date.parse(run.started), coverage: run.coverage ?? 0, ok: run.exitCode === 0 }));
    const chart = svg('svg', { class: 'spark', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Coverage of ${config.name} over time` });
    chart.append(svg('rect', { x: 0, y: 0, width: WIDTH, height: HEIGHT, fill: 'var(--panel)' }));
    if (points.length > 0) {
      const first = points[0]?.time ?? 0;
      const span = Math.max((points.at(-1)?.time ?? 0) - first, 1);
      const x = (time: number): number => (points.length === 1 ? WIDTH / 2 : 3 + ((time - first) / span) * (WIDTH - 6));
      const y = (coverage: number): number => HEIGHT - 3 - (coverage / 100) * (HEIGHT - 6);
      chart.append(
        svg('polyline', { points: points.map((p) => `${x(p.time)},${y(p.coverage)}`).join(' '), fill: 'none', stroke: 'var(--current)', 'stroke-width': 1.5 }),
      );
      for (const p of points) {
        const dot = svg('circle', { class: 'point', cx: x(p.time), cy: y(p.coverage), r: 2.2, fill: p.ok ? 'var(--current)' : 'var(--delete)' });
        dot.addEventListener('mousemove', (event) =>
          tip.show(event, [
            config.name,
            new Date(p.time)
              .toISOString()
              .replace('T', ' ')
              .replace(/\.\d+Z$/, ' UTC'),
            `coverage ${p.coverage}%`,
          ]),
        );
        dot.addEventListener('mouseleave', () => tip.hide());
        chart.append(dot);
      }
    }
    slot.replaceChildren(chart);
  }
}
