/** The page's style sheet: light by default, dark where the system prefers it. */
export const STYLES = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --keep: #2da44e; --delete: #cf222e; --current: #0969da; --warn: #bf8700; --tile-stroke: #fff; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --panel: #161b22;
    --keep: #3fb950; --delete: #f85149; --current: #4493f8; --warn: #d29922; --tile-stroke: #0d1117; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 24px; background: var(--bg); color: var(--fg);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 20px 0 8px; }
.meta, .note { color: var(--muted); margin: 0 0 12px; }
.layout { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.chart { flex: 3 1 560px; min-width: 320px; } .side { flex: 2 1 360px; min-width: 300px; }
#crumbs { margin: 0 0 6px; min-height: 24px; }
#crumbs button { font: inherit; background: none; border: 0; color: var(--current); cursor: pointer; padding: 0 2px; }
#crumbs button:disabled { color: var(--fg); cursor: default; font-weight: 600; }
#crumbs .sep { color: var(--muted); padding: 0 2px; }
svg { display: block; width: 100%; height: auto; background: var(--panel); border: 1px solid var(--line); }
svg text { font-size: 11px; fill: #000; pointer-events: none; }
.tile rect { stroke: var(--tile-stroke); stroke-width: 1; }
.tile.zoomable { cursor: zoom-in; }
.tile .sub { stroke: var(--tile-stroke); stroke-width: 0.5; opacity: 0.9; pointer-events: none; }
#tip { position: fixed; pointer-events: none; background: var(--panel); color: var(--fg); border: 1px solid var(--line);
  padding: 6px 8px; border-radius: 4px; max-width: 420px; white-space: pre-wrap; word-break: break-all; display: none;
  box-shadow: 0 2px 8px rgba(0,0,0,.25); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.path { word-break: break-all; }
th button { font: inherit; font-weight: 600; background: none; border: 0; color: inherit; cursor: pointer; padding: 0; }
th[aria-sort="ascending"] button::after { content: " ▲"; } th[aria-sort="descending"] button::after { content: " ▼"; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
.legend { display: flex; gap: 12px; align-items: center; color: var(--muted); font-size: 12px; margin: 6px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: middle; margin-right: 4px; }
.keep { color: var(--keep); } .delete { color: var(--delete); } .current { color: var(--current); }
.stale td, tr.stale { background: color-mix(in srgb, var(--warn) 18%, transparent); }
.bad { color: var(--delete); font-weight: 600; } .ok { color: var(--keep); }
.timeline { display: block; width: 100%; height: 26px; background: none; border: 0; }
.timeline line { pointer-events: none; } .timeline .mark { pointer-events: all; cursor: help; }
.file { margin: 0 0 14px; } .file h3 { font-size: 13px; margin: 0 0 2px; word-break: break-all; font-weight: 600; }
.spark { display: inline-block; width: 160px; height: 28px; background: none; border: 0; vertical-align: middle; }
`;
