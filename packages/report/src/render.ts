import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReportData } from './data.js';
import { duBody } from './du-html.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { nightlyBody } from './nightly-html.js';
import { pruneBody } from './prune-html.js';
import { STYLES } from './styles.js';

/** The page code (d3-hierarchy included), bundled by page/bundle.mjs next to this module. */
let page: { code: string; hash: string } | undefined;
function pageScript(): { code: string; hash: string } {
  if (page) return page;
  // Found through the package (its exports), not beside this module: a tool's esbuild
  // bundle inlines this module elsewhere, and the package's own tests run it from src/.
  const code = readFileSync(createRequire(import.meta.url).resolve('@rclone-b2/report/page-bundle.js'), 'utf8');
  if (/<\/script|<!--/i.test(code)) throw new Error('page bundle contains </script or <!--: it cannot be inlined');
  return (page = { code, hash: createHash('sha256').update(code).digest('base64') });
}

function bodyOf(data: ReportData): string {
  switch (data.kind) {
    case 'du':
      return duBody(data);
    case 'prune':
      return pruneBody(data);
    case 'nightly':
      return nightlyBody(data);
  }
}

/**
 * The whole page, in pieces (a large table need not be one string). The policy allows
 * only the inlined page script (by its hash) and inline styles and fetches nothing: even
 * if a name escaped its escaping, no script of its own could run and nothing could load.
 */
export function* htmlReport(data: ReportData): Generator<string> {
  const script = pageScript();
  const title = escapeHtml(data.title);
  yield `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${script.hash}'">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="${escapeHtml(data.tool)}">
<title>${title}</title>
<style>${STYLES}</style>
</head>
<body class="report-${data.kind}">
<header><h1>${title}</h1><p class="meta">${escapeHtml(data.tool)} · <time datetime="${escapeHtml(data.generated)}">${escapeHtml(data.generated.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time></p></header>
<main>
`;
  yield bodyOf(data);
  yield `</main>
<div id="tip" role="tooltip"></div>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${script.code}</script>
</body>
</html>
`;
}
