import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of `file` inside package `name`, seen from the module at `fromUrl`, found as Node
 * finds the package: the module's own package first (the nearest package.json, when it is
 * `name`), then node_modules/`name` in each directory upwards. It works from src/, dist/ and a
 * tool's bundle alike, like require.resolve('name/file'), but reads no exports map: resolving
 * through one loads Node's ES module resolver, ~5% of a bin's start-up (issue 14). Only for
 * files the package exports as they are (core's package.json and data/).
 */
export function packageFile(fromUrl: string, name: string, file: string): string {
  let dir = dirname(fileURLToPath(fromUrl));
  let ownPackageSeen = false;
  for (;;) {
    if (!ownPackageSeen && existsSync(join(dir, 'package.json'))) {
      ownPackageSeen = true;
      if (packageName(join(dir, 'package.json')) === name) return join(dir, file);
    }
    const installed = join(dir, 'node_modules', name);
    if (existsSync(join(installed, 'package.json'))) return join(installed, file);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find package ${name} from ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

function packageName(packageJson: string): unknown {
  try {
    const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'name' in parsed ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}
