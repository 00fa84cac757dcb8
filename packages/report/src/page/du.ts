import { hierarchy, treemap, treemapSquarify, type HierarchyRectangularNode } from 'd3-hierarchy';
import { formatIecSize } from '../../../core/src/text/iec-size.js';
import type { DuNode, DuReportData } from '../data.js';
import { dollars } from '../dollars.js';
import { bytesText, html, svg, tooltip } from './dom.js';

/** One drawable entry: a file, a directory, or a directory's "smaller items". */
interface Item {
  name: string;
  path: string;
  size: number;
  files: number;
  old: number | undefined;
  kind: 'dir' | 'file' | 'rest';
  /** For `rest`: how many entries it sums. */
  count: number;
  children?: Item[];
}

const WIDTH = 960;
const HEIGHT = 600;
const LABEL = 16;

function join(parent: string, name: string): string {
  if (parent === '') return name;
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

function toItem(node: DuNode, path: string): Item {
  const item: Item = { name: node.n, path, size: node.s, files: node.f, old: node.o, kind: node.d ? 'dir' : 'file', count: 1 };
  if (node.d) {
    const children = (node.c ?? []).map((child) => toItem(child, join(path, child.n)));
    if (node.r && node.r.s > 0) {
      const label = `${node.r.k.toLocaleString('en-US')} smaller item${node.r.k === 1 ? '' : 's'}`;
      children.push({ name: label, path, size: node.r.s, files: node.r.f, old: node.r.o, kind: 'rest', count: node.r.k });
    }
    if (children.length > 0) item.children = children;
  }
  return item;
}

/** An item cut to the levels drawn: the rest of a big tree is never walked. */
interface Cut {
  item: Item;
  children?: Cut[];
}

function cut(item: Item, levels: number): Cut {
  return levels === 0 || !item.children ? { item } : { item, children: item.children.map((child) => cut(child, levels - 1)) };
}

/** The two drawn levels below `item`, largest first, as a fresh hierarchy (d3's treemap lays out only from depth 0). */
function layoutTree(item: Item): HierarchyRectangularNode<Cut> {
  return hierarchy(cut(item, 2), (c) => c.children)
    .sum((c) => (c.children ? 0 : c.item.size))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0)) as HierarchyRectangularNode<Cut>;
}

export function drawDu(data: DuReportData): void {
  const root = toItem(data.root, '');
  const container = document.getElementById('treemap') as HTMLElement;
  const crumbs = document.getElementById('crumbs') as HTMLElement;
  const tip = tooltip();
  const total = data.root.s;

  const colour = (item: Item, index: number, shade: number): string => {
    if (item.kind === 'rest') return `hsl(0 0% ${68 + shade * 6}%)`;
    if (data.hasOld) {
      // From blue (all current) through purple to orange (all old versions).
      const share = item.size > 0 ? (item.old ?? 0) / item.size : 0;
      return `hsl(${Math.round(210 + share * 175) % 360} 70% ${60 + shade * 8}%)`;
    }
    return `hsl(${(index * 47 + 200) % 360} 55% ${60 + shade * 10}%)`;
  };

  const details = (item: Item): string[] => {
    const lines = [item.kind === 'rest' ? `${item.name} in ${item.path === '' ? 'the top directory' : item.path}` : item.path || '(all)'];
    lines.push(`${bytesText(item.size, formatIecSize)}, ${(total > 0 ? (item.size / total) * 100 : 0).toFixed(1)}% of all`);
    lines.push(`${item.files.toLocaleString('en-US')} ${item.files === 1 ? data.countNoun.replace(/s$/, '') : data.countNoun}`);
    if (data.hasOld && item.old !== undefined) {
      lines.push(
        `current ${formatIecSize(item.size - item.old)}, old versions ${formatIecSize(item.old)} (${item.size > 0 ? ((item.old / item.size) * 100).toFixed(0) : 0}%)`,
      );
    }
    if (data.pricePerTBMonth !== undefined) lines.push(`${dollars((item.size / 1e12) * data.pricePerTBMonth)} per month`);
    return lines;
  };

  /** `trail`: the items from the top down to the one shown. */
  const draw = (trail: Item[]): void => {
    const zoom = trail[trail.length - 1] as Item;
    const laid = layoutTree(zoom);
    treemap<Cut>()
      .tile(treemapSquarify)
      .size([WIDTH, HEIGHT])
      .round(false)
      // No padding between tiles, so each tile's area is exactly its share of the bytes;
      // a strip on top of each tile holds its label.
      .paddingTop((node) => (node.depth === 1 && node.children && node.y1 - node.y0 > LABEL * 3 ? LABEL : 0))(laid);
    const map = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Treemap of ${zoom.path || 'everything'}` });
    (laid.children ?? []).forEach((child, index) => {
      const item = child.data.item;
      const zoomable = item.kind === 'dir' && item.children !== undefined;
      const tile = svg('g', { class: `tile${zoomable ? ' zoomable' : ''}`, 'data-kind': item.kind, 'data-path': item.path, 'data-bytes': item.size });
      const w = child.x1 - child.x0;
      const h = child.y1 - child.y0;
      tile.append(svg('rect', { x: child.x0, y: child.y0, width: w, height: h, fill: colour(item, index, 0) }));
      for (const grandchild of child.children ?? []) {
        tile.append(
          svg('rect', {
            class: 'sub',
            x: grandchild.x0,
            y: grandchild.y0,
            width: grandchild.x1 - grandchild.x0,
            height: grandchild.y1 - grandchild.y0,
            fill: colour(grandchild.data.item, index, 1),
          }),
        );
      }
      if (w > 36 && h > 13) {
        const label = svg('text', { x: child.x0 + 4, y: child.y0 + 12 });
        const text = `${item.name} · ${formatIecSize(item.size)}`;
        label.textContent = text.length * 6.2 > w - 6 ? `${text.slice(0, Math.max(1, Math.floor((w - 6) / 6.2) - 1))}…` : text;
        tile.append(label);
      }
      tile.addEventListener('mousemove', (event) => tip.show(event, details(item)));
      tile.addEventListener('mouseleave', () => tip.hide());
      if (zoomable) {
        tile.addEventListener('click', () => {
          tip.hide();
          draw([...trail, item]);
        });
      }
      map.append(tile);
    });
    container.replaceChildren(map);
    crumbs.replaceChildren();
    trail.forEach((node, i) => {
      if (i > 0) crumbs.append(html('span', '/', 'sep'));
      const button = html('button', i === 0 ? 'All' : node.name);
      button.type = 'button';
      if (i === trail.length - 1) button.disabled = true;
      else button.addEventListener('click', () => draw(trail.slice(0, i + 1)));
      crumbs.append(button);
    });
    document.body.dataset.zoom = zoom.path;
  };
  draw([root]);
}
