// yargs reports mistakes with its internal key names (`Unknown argument: frobNicate`,
// `Not enough arguments following: top`) and sometimes on several lines. The user typed
// `--frob-nicate` and `-d`: these rewrite each message into one line that says what was typed.

/** Option tokens as typed, up to `--`: `--max-delete=3` gives `--max-delete`, `-nv` gives `-n` and `-v`. */
function typedFlags(argv: readonly string[]): { token: string; name: string; value?: string }[] {
  const flags: { token: string; name: string; value?: string }[] = [];
  for (const [index, arg] of argv.entries()) {
    if (arg === '--') break;
    const next = argv[index + 1];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const token = eq < 0 ? arg : arg.slice(0, eq);
      flags.push({ token, name: token.slice(2), value: eq < 0 ? next : arg.slice(eq + 1) });
    } else if (/^-[^-\d]/.test(arg)) {
      const letters = [...arg.slice(1)];
      letters.forEach((letter, i) => flags.push({ token: `-${letter}`, name: letter, value: i === letters.length - 1 ? next : arg.slice(i + 2) }));
    }
  }
  return flags;
}

const camel = (name: string): string => name.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase());

/** The spelling the user typed for yargs key `key` (or its `--no-` form), else `--key`. */
function spellingOf(key: string, argv: readonly string[], value?: string): string {
  const flags = typedFlags(argv);
  const byName = flags.filter((f) => f.name === key || camel(f.name) === camel(key) || camel(f.name) === camel(`no-${key}`));
  if (byName.length) return byName.at(-1)!.token;
  if (value !== undefined) {
    // An alias: the flag that carried this value.
    const byValue = flags.filter((f) => f.value === value);
    if (byValue.length) return byValue.at(-1)!.token;
  }
  return key.length === 1 ? `-${key}` : `--${key}`;
}

/** yargs' message (or ours from arguments.ts) → one line with the flags as typed. */
export function usageMessage(message: string, argv: readonly string[]): string {
  const ours = /^invalid value ("(?:[^"\\]|\\.)*") for --([\w-]+): (.*)$/s.exec(message);
  if (ours) {
    const value = JSON.parse(ours[1]!) as string;
    return `invalid value ${ours[1]} for ${spellingOf(ours[2]!, argv, value)}: ${ours[3]}`;
  }
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message);
  if (unknown) {
    const keys = unknown[1]!.split(', ');
    // yargs lists both `frob-nicate` and `frobNicate`; report each typed flag once.
    const typed = typedFlags(argv).filter((f) => [f.name, camel(f.name), f.name.replace(/^no-/, '')].some((name) => keys.includes(name)));
    const names = [...new Set(typed.map((f) => f.token))];
    const list = names.length ? names : keys.map((k) => (k.length === 1 ? `-${k}` : `--${k}`));
    return `unknown option${list.length > 1 ? 's' : ''} ${list.join(', ')} (see --help)`;
  }
  const missing = /^Not enough arguments following: (.*)$/s.exec(message);
  if (missing) return `${spellingOf(missing[1]!, argv)} needs a value`;
  const choices = /^Invalid values:\s*Argument: ([\w-]+), Given: (.*?), Choices: (.*)$/s.exec(message);
  if (choices) {
    const given = choices[2]!;
    const value = given.startsWith('"') ? (JSON.parse(given) as string) : given;
    const allowed = choices[3]!.split(', ').map((c) => c.replace(/^"|"$/g, '')).join(', ');
    return `invalid value ${JSON.stringify(value)} for ${spellingOf(choices[1]!, argv, value)}: expected one of ${allowed}`;
  }
  const required = /^Missing required arguments?: (.*)$/s.exec(message);
  if (required) return `missing ${required[1]!.split(', ').map((k) => spellingOf(k, argv)).join(', ')}`;
  return message.replace(/\s*\n\s*/g, '; ');
}

/**
 * yargs reads `--json=maybe` as false, silently. A boolean flag takes no value, or `=true` /
 * `=false`; anything else is refused like any other bad value.
 */
export function checkBooleanValues(argv: readonly string[], booleans: readonly string[], counts: readonly string[]): void {
  const flags = new Set([...booleans, ...counts].flatMap((name) => [name, camel(name)]));
  for (const arg of argv) {
    if (arg === '--') break;
    const match = /^--(?:no-)?([^=]+)=(.*)$/s.exec(arg);
    if (!match || !(flags.has(match[1]!) || flags.has(camel(match[1]!)))) continue;
    if (match[2] !== 'true' && match[2] !== 'false') {
      throw new Error(`invalid value ${JSON.stringify(match[2])} for ${arg.slice(0, arg.indexOf('='))}: expected no value, or true or false`);
    }
  }
}
