// Bundles the page code (this folder, with d3-hierarchy) into one minified script that
// render.ts inlines into every report: no CDN, nothing fetched when a report is opened.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('./main.ts', import.meta.url).pathname],
  outfile: new URL('../../dist/page-bundle.js', import.meta.url).pathname,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  // A "</script" inside a string would end the inline element: esbuild escapes it.
  supported: { 'inline-script': false },
  logLevel: 'warning',
});
