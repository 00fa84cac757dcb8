import { formatIecSize } from '../../../core/src/text/iec-size.js';
import type { PruneReportData, PruneVersion } from '../data.js';
import { svg, tooltip } from './dom.js';

const WIDTH = 900;
const HEIGHT = 30;
const MARGIN = 10;

/** Each file's versions on a time line from its oldest upload to now: colour = verdict. */
export function drawPrune(data: PruneReportData): void {
  const tip = tooltip();
  const now = Date.parse(data.now);
  for (const slot of Array.from(document.querySelectorAll<HTMLElement>('.timeline-slot'))) {
    const file = data.files[Number(slot.dataset.index)];
    if (!file) continue;
    const times = file.versions.map((v) => Date.parse(v.time));
    const start = Math.min(...times);
    const span = Math.max(now - start, 1);
    const x = (time: number): number => MARGIN + ((time - start) / span) * (WIDTH - 2 * MARGIN);
    const line = svg('svg', {
      class: 'timeline',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      preserveAspectRatio: 'none',
      role: 'img',
      'aria-label': `Versions of ${file.path} over time`,
    });
    line.append(svg('line', { x1: MARGIN, x2: WIDTH - MARGIN, y1: HEIGHT / 2, y2: HEIGHT / 2, stroke: 'var(--line)', 'stroke-width': 2 }));
    file.versions.forEach((version, i) => {
      const kind = version.hide ? 'hide' : i === 0 && file.live ? 'current' : version.action;
      const colour = { hide: 'var(--muted)', current: 'var(--current)', keep: 'var(--keep)', delete: 'var(--delete)', ignore: 'var(--muted)' }[kind];
      const mark: SVGGraphicsElement =
        kind === 'hide'
          ? svg('rect', { x: x(times[i] ?? start) - 1.5, y: 5, width: 3, height: HEIGHT - 10, fill: colour })
          : svg('circle', {
              cx: x(times[i] ?? start),
              cy: HEIGHT / 2,
              r: kind === 'delete' ? 5 : 6,
              fill: kind === 'delete' ? 'none' : colour,
              stroke: colour,
              'stroke-width': 2.5,
            });
      mark.setAttribute('class', `mark ${kind}`);
      mark.addEventListener('mousemove', (event) => tip.show(event, details(version)));
      mark.addEventListener('mouseleave', () => tip.hide());
      line.append(mark);
    });
    slot.replaceChildren(line);
  }
}

function details(version: PruneVersion): string[] {
  return [
    version.hide ? 'deletion marker' : version.name,
    `uploaded ${version.time.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}${version.hide ? '' : `, ${formatIecSize(version.bytes)}`}`,
    `${version.action === 'delete' ? 'would delete' : version.action}: ${version.reason}`,
  ];
}
