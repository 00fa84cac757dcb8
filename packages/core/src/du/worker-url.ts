import { existsSync } from 'node:fs';

// Where a du worker thread's module is: beside a tool's bundle (scripts/bundle-bins.mjs
// builds it there as `BUNDLED.mjs`), else in core's dist/du (from dist/du or from src/du).

const found = new Map<string, URL | null>();

/** The module of worker `bundled` (its bundle name), `inDist` its path under core's dist/du. */
export function duWorkerUrl(bundled: string, inDist: string): URL | undefined {
  let url = found.get(bundled);
  if (url === undefined) {
    url = null;
    for (const place of [`./${bundled}.mjs`, `./${inDist}`, `../../dist/du/${inDist}`]) {
      const candidate = new URL(place, import.meta.url);
      if (existsSync(candidate)) {
        url = candidate;
        break;
      }
    }
    found.set(bundled, url);
  }
  return url ?? undefined;
}
