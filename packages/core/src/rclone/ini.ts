// The INI dialect of rclone.conf (github.com/Unknwon/goconfig as used by rclone 1.60.1):
// whole-line `#`/`;` comments only, key/value split at the first `=` or `:`, values trimmed,
// backtick or """ quoting unwrapped, plain double quotes kept literally.
import { ConfigError } from '../cli/errors.js';

export type IniSections = Map<string, Map<string, string>>;

export function parseRcloneIni(text: string, file = 'rclone.conf'): IniSections {
  const sections: IniSections = new Map();
  let current = 'DEFAULT';
  const section = (name: string): Map<string, string> => {
    let s = sections.get(name);
    if (!s) sections.set(name, (s = new Map()));
    return s;
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (line.startsWith('[') && line.endsWith(']')) {
      current = line.slice(1, -1).trim();
      section(current);
      return;
    }
    const sep = line.search(/[=:]/);
    if (sep <= 0) throw new ConfigError(`could not parse line: ${JSON.stringify(line)}`, `${file}:${index + 1}`);
    const key = line.slice(0, sep).trim();
    let value = line.slice(sep + 1).trim();
    const quote = value.startsWith('"""') ? '"""' : value.startsWith('`') ? '`' : '';
    if (quote) {
      const end = value.lastIndexOf(quote);
      if (end >= quote.length) value = value.slice(quote.length, end);
    }
    section(current).set(key, value);
  });
  return sections;
}
