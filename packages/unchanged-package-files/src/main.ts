import { resolve } from 'node:path';
import {
  choiceFlag,
  ExitCode,
  JSON_FLAG,
  parseArgv,
  stringFlag,
  toolParser,
  TOOLSET_VERSION,
  UsageError,
  verbosityOf,
  type ParsedArgs,
  type ToolIO,
} from '@rclone-b2/core';
import { DATABASES } from './package-db.js';
import { SYNTAXES } from './patterns.js';
import type { Summary, UnchangedOptions } from './unchanged.js';

const EPILOGUE = `Prints one exclude rule per file that an installed dpkg or rpm package holds unchanged
(its content matches the package's recorded digest), anchored at the root: /usr/bin/ls. Changed
files, edited conffiles, files whose owners disagree and unreadable files are left out of
the list, so the backup keeps them. Rules are sorted, in rclone glob syntax by default
(--syntax rsync for rsync, paths for plain names).

Without --state every file is hashed. With --state FILE, a file whose inode, size, mtime
and ctime are unchanged since a run hashed it is not read again (ctime changes on every
write and cannot be set back), which makes re-runs a matter of one lstat per file.

Examples:
  unchanged-package-files --state /var/cache/upf.state -o /etc/backup/os-files.exclude
  rclone sync / remote:host --exclude-from /etc/backup/os-files.exclude
  unchanged-package-files --syntax rsync -0 | rsync -a --from0 --exclude-from=- / host:/srv/b`;

function buildParser() {
  return toolParser({
    name: 'unchanged-package-files',
    version: TOOLSET_VERSION,
    usage: '$0 [options]',
    epilogue: EPILOGUE,
    flags: {
      ...JSON_FLAG,
      root: stringFlag({ description: 'The system to examine (a copied root is read as if chrooted into it); default /' }),
      admindir: stringFlag({ description: "dpkg's database; default ROOT/var/lib/dpkg" }),
      db: choiceFlag('db', DATABASES, { default: 'auto', description: 'Package database: dpkg, rpm, or auto (dpkg when --admindir is given or ADMINDIR/status exists, else rpm)' }),
      syntax: choiceFlag('syntax', SYNTAXES, { default: 'rclone', description: 'Rule syntax: rclone --exclude-from, rsync --exclude-from, or plain paths' }),
      null: { alias: '0', type: 'boolean', default: false, description: 'End each rule with NUL, not newline (rsync --from0)' },
      output: stringFlag({ alias: 'o', description: 'Write the list to FILE (replaced atomically) instead of standard output' }),
      state: stringFlag({ description: 'Digest cache kept between runs; only files changed since are hashed' }),
      package: { type: 'string', array: true, nargs: 1, default: [], description: 'Only the files of package NAME (repeatable; NAME or NAME:ARCH)' },
    },
  });
}

export function toOptions(args: ParsedArgs<ReturnType<typeof buildParser>>, cwd: string): UnchangedOptions {
  if (args.json && args.output === undefined) throw new UsageError('--json prints the summary on standard output; give the list a file with --output');
  const root = resolve(cwd, args.root ?? '/');
  return {
    root,
    admindir: resolve(cwd, args.admindir ?? resolve(root, 'var/lib/dpkg')),
    // --admindir names dpkg's database: a wrong one is dpkg's error, never a quiet turn to rpm.
    database: args.db === 'auto' && args.admindir !== undefined ? 'dpkg' : args.db,
    syntax: args.syntax,
    nul: args.null,
    ...(args.output !== undefined ? { output: resolve(cwd, args.output) } : {}),
    ...(args.state !== undefined ? { state: resolve(cwd, args.state) } : {}),
    packages: args.package.map(String),
    json: args.json,
    verbosity: verbosityOf(args),
  };
}

const summaryLine = (s: Summary): string =>
  `${s.files} files of ${s.packages} packages in ${s.seconds.toFixed(1)}s: ${s.unchanged} unchanged (excluded), ${s.changed} changed (${s.changedConffiles} conffiles), ` +
  `${s.missing} missing, ${s.conflicting} with disagreeing owners, ${s.unreadable} unreadable; ${s.hashed} hashed, ${s.fromState} from the state file\n`;

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const parsed = await parseArgv(buildParser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const options = toOptions(parsed.options, io.cwd);
  // Loaded only to run: --help, --version and usage errors never evaluate the package databases' code (start-up).
  const { unchangedPackageFiles } = await import('./unchanged.js');
  const summary = await unchangedPackageFiles(options, io);
  if (options.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
  else if (options.verbosity >= 1) io.stderr.write(summaryLine(summary));
  return summary.unreadable > 0 ? ExitCode.Problem : ExitCode.Ok;
}
