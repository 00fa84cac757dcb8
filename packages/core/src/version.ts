import { readFileSync } from 'node:fs';
import { packageFile } from './package-file.js';

/**
 * The toolset's one version, read once from core's package.json, found through the package
 * (from src/, dist/ and a tool's esbuild bundle alike). Every tool prints it for --version and writes it into its
 * ncdu exports; every package.json carries the same number (test/version.test.ts checks).
 */
export const TOOLSET_VERSION: string = readVersion(packageFile(import.meta.url, '@rclone-b2/core', 'package.json'));

function readVersion(packageJson: string): string {
  const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') return parsed.version;
  throw new Error(`no version in ${packageJson}`);
}
