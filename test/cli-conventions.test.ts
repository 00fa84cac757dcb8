// One command line for every tool, checked through the real bins. The cases are derived,
// not listed: the tools from every package.json "bin", their numeric and choice flags from
// their own --help (integerFlag/choiceFlag state their rule there), and the shared flags and
// exit codes from README Conventions. A new tool or flag cannot escape these tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every bin of every package: name → path of its script. */
const bins: [string, string][] = readdirSync(join(root, 'packages')).flatMap((dir) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  return Object.entries(manifest.bin ?? {}).map(([name, path]): [string, string] => [name, join(root, 'packages', dir, path)]);
});

const run = (tool: string, argv: string[]) =>
  execa(process.execPath, [bins.find(([name]) => name === tool)![1], ...argv], { reject: false, timeout: 60_000, env: { LANG: 'C', RCLONE_CONFIG: '/nonexistent/rclone.conf' } });

interface HelpOption {
  /** Spellings as printed: `-n`, `--dry-run`, `--dryrun`. */
  names: string[];
  /** Description and yargs' [type] [default] notes, on one line. */
  text: string;
}

/** The options block of --help, one entry per option (wrapped lines joined). */
function helpOptions(help: string): HelpOption[] {
  const entries: string[] = [];
  let inOptions = false;
  for (const line of help.split('\n')) {
    if (line === 'Options:') inOptions = true;
    else if (inOptions && /^(?: {2}-[^-], | {6})--[\w-]/.test(line)) entries.push(line.trim());
    else if (inOptions && /^ {7,}\S/.test(line) && entries.length) entries[entries.length - 1] += ` ${line.trim()}`;
    else if (inOptions && line.trim() !== '') inOptions = false;
  }
  return entries.map((entry) => {
    const [flags = '', ...rest] = entry.split(/ {2,}/);
    return { names: flags.split(', '), text: rest.join(' ') };
  });
}

const helps = new Map<string, Promise<string>>();
const helpOf = (tool: string): Promise<string> => {
  if (!helps.has(tool)) helps.set(tool, run(tool, ['--help']).then((r) => r.stdout));
  return helps.get(tool)!;
};
const longName = (option: HelpOption): string => option.names.find((n) => n.startsWith('--'))!;

/** A markdown table of README Conventions section under `### heading`: rows of cells, backticks removed. */
function docTable(heading: string): string[][] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const conventions = readme.split(/^## /m).find((s) => s.startsWith('Conventions\n')) ?? '';
  const section = conventions.split(/^### /m).find((s) => s.startsWith(`${heading}\n`));
  if (!section) throw new Error(`README.md's Conventions section has no "### ${heading}"`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line))
    .slice(1)
    .map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim().replace(/`/g, '')));
}

const toolNames = bins.map(([name]) => name);

/** One stderr line `tool: message`, nothing on stdout, exit 2. */
function expectUsageError(result: { exitCode?: number; stdout: string; stderr: string }, tool: string, message: string): void {
  expect({ code: result.exitCode, out: result.stdout, err: result.stderr }).toEqual({ code: 2, out: '', err: `${tool}: ${message}` });
}

describe('the table of tools', () => {
  it('finds every tool', () => {
    expect(toolNames.length).toBeGreaterThanOrEqual(13);
    expect(toolNames).toContain('rclone-backup-nightly');
  });
});

describe.each(toolNames)('%s', (tool) => {
  it('refuses every bad numeric and choice value with exit 2 and one line naming the flag and the value', async () => {
    const options = helpOptions(await helpOf(tool));
    expect(options.length).toBeGreaterThan(4);
    // A plain yargs number turns "abc" into NaN; every number must go through integerFlag.
    expect(options.filter((o) => /\[number\]/.test(o.text)).map(longName)).toEqual([]);
    const cases: [flag: string, value: string, expected: string][] = [];
    for (const option of options) {
      const flag = longName(option);
      const range = /\(a whole number (?:of at least (-?\d+)|from (-?\d+) to (-?\d+))\)/.exec(option.text);
      if (range) {
        const min = Number(range[1] ?? range[2]);
        const expected = range[1] !== undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${range[3]}`;
        cases.push([flag, 'abc', expected], [flag, String(min - 1), expected], [flag, '1e3', expected]);
        if (range[3] !== undefined) cases.push([flag, String(Number(range[3]) + 1), expected]);
      }
      const parsed = /\((a (?:size|duration|time), e\.g\. [^)]*)\)/.exec(option.text);
      if (parsed) cases.push([flag, 'abc', parsed[1]!]);
      const choices = /\[choices: (.*?)\]/.exec(option.text);
      if (choices) cases.push([flag, 'no-such-choice', `one of ${choices[1]!.replace(/"/g, '')}`]);
    }
    for (const [flag, value, expected] of cases) {
      const result = await run(tool, [flag, value]);
      expectUsageError(result, tool, `invalid value "${value}" for ${flag}: expected ${expected}`);
    }
    // a boolean takes no value (or =true/=false): the check is generic, one flag per tool proves it is wired
    const boolean = options.find((o) => /\[boolean\]/.test(o.text) && !['--help', '--version'].includes(longName(o)));
    if (boolean) expectUsageError(await run(tool, [`${longName(boolean)}=maybe`]), tool, `invalid value "maybe" for ${longName(boolean)}: expected no value, or true or false`);
    // the short spelling of a numeric flag is named as typed too
    for (const option of options.filter((o) => o.names[0]!.length === 2 && /\(a whole number/.test(o.text))) {
      const result = await run(tool, [option.names[0]!, 'abc']);
      expect(result.stderr).toMatch(new RegExp(`^${tool}: invalid value "abc" for ${option.names[0]}: `));
    }
  });

  it('refuses an unknown flag, naming it as typed, even with -q', async () => {
    expectUsageError(await run(tool, ['--frobnicate']), tool, 'unknown option --frobnicate (see --help)');
    expectUsageError(await run(tool, ['--frob-nicate=1']), tool, 'unknown option --frob-nicate (see --help)');
    // -q silences warnings, never errors
    expectUsageError(await run(tool, ['-q', '--frobnicate']), tool, 'unknown option --frobnicate (see --help)');
  });

  it('has an EXIT STATUS section in --help with the documented codes', async () => {
    const help = await helpOf(tool);
    const section = `${help.slice(help.indexOf('\nEXIT STATUS\n'))}\n`;
    expect(help).toContain('\nEXIT STATUS\n');
    const rows = docTable('Exit status');
    expect(rows.map(([code]) => code)).toEqual(['0', '1', '2', '3']);
    for (const [code, meaning] of rows) expect(section).toContain(`\n  ${code}  ${meaning}\n`);
  });

  it('has exactly the shared flags README Conventions lists for it', async () => {
    const options = helpOptions(await helpOf(tool));
    for (const [spelling = '', meaning = '', tools = ''] of docTable('Flags')) {
      const names = spelling.split(', ');
      const listed = tools === 'all' || tools.split(', ').includes(tool);
      const long = names.find((n) => n.startsWith('--'))!;
      const option = options.find((o) => o.names.includes(long));
      if (!listed) {
        expect(option, `${tool} has ${spelling} but README Conventions does not list it`).toBeUndefined();
        continue;
      }
      expect(option, `${tool} lacks ${spelling}`).toBeDefined();
      expect(option!.names).toEqual(names);
      if (names.includes('--transfers')) {
        expect(meaning).toMatch(/default 4/);
        expect(option!.text).toMatch(/\[default: 4\]/);
      }
    }
  });

  it('-h is --human-readable where listed, and refused (not help) elsewhere', async () => {
    const human = docTable('Flags').find(([spelling]) => spelling!.startsWith('-h, '))!;
    const result = await run(tool, ['-h', '--frobnicate']);
    if (human[2]!.split(', ').includes(tool)) expectUsageError(result, tool, 'unknown option --frobnicate (see --help)');
    else expectUsageError(result, tool, 'unknown options -h, --frobnicate (see --help)');
  });
});
