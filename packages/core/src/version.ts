import { readFileSync } from 'node:fs';

/**
 * The toolset's one version, read once from core's package.json (from src/ or dist/ alike,
 * '../package.json' is that file). Every tool prints it for --version and writes it into its
 * ncdu exports; every package.json carries the same number (test/version.test.ts checks).
 */
export const TOOLSET_VERSION: string = readVersion(new URL('../package.json', import.meta.url));

function readVersion(packageJson: URL): string {
  const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') return parsed.version;
  throw new Error(`no version in ${packageJson.pathname}`);
}
