// Turns a column value, as the server sent it in the text protocol (raw bytes), into an
// SQL literal the way mysqldump does: numbers as they are, binary data as hex, text quoted
// with mysql_real_escape_string's escapes. Working on bytes keeps every value exact.

export type ValueStyle = 'number' | 'hex' | 'string';

const NUMERIC = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'float', 'double', 'real', 'year']);
const BINARY = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit', 'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

export function styleOf(dataType: string): ValueStyle {
  const type = dataType.toLowerCase();
  if (NUMERIC.has(type)) return 'number';
  if (BINARY.has(type)) return 'hex';
  return 'string';
}

const ESCAPES = new Map<number, string>([
  [0x00, '\\0'],
  [0x0a, '\\n'],
  [0x0d, '\\r'],
  [0x5c, '\\\\'],
  [0x27, "\\'"],
  [0x22, '\\"'],
  [0x1a, '\\Z'],
]);

const NULL = Buffer.from('NULL');
const EMPTY = Buffer.from("''");

/** The SQL literal for one value (null = SQL NULL). */
export function sqlLiteral(value: Buffer | null, style: ValueStyle): Buffer {
  if (value === null) return NULL;
  if (style === 'number') return value;
  if (style === 'hex') return value.length === 0 ? EMPTY : Buffer.from(`0x${value.toString('hex')}`, 'latin1');
  return quoteBytes(value);
}

export function quoteBytes(value: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from("'")];
  let from = 0;
  for (let i = 0; i < value.length; i += 1) {
    const escape = ESCAPES.get(value[i] as number);
    if (escape !== undefined) {
      if (i > from) parts.push(value.subarray(from, i));
      parts.push(Buffer.from(escape, 'latin1'));
      from = i + 1;
    }
  }
  if (from < value.length) parts.push(value.subarray(from));
  parts.push(Buffer.from("'"));
  return Buffer.concat(parts);
}

export function quoteIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
