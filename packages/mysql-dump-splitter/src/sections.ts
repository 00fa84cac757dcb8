// Recognises the lines where mysqldump (MySQL 5.x-8.x, MariaDB 10.x-11.x) starts a new part
// of the dump. Works on raw bytes: only lines that start with '-', '/', 'D', 'L' or 'U'
// are decoded, so the per-line cost stays tiny on data lines.

export type SectionKind = 'db' | 't' | 'd' | 'vt' | 'v' | 'r' | 'e' | 'footer';

export interface SectionStart {
  kind: SectionKind;
  /** Table, view or database name (for 'r'/'e'/'db' the database). */
  name: string;
  /** The header comment is preceded by a `--` line that belongs to this section. */
  commented: boolean;
  /** The name goes on past this line (it holds a newline): `name` is its first line and the newline. */
  partial?: boolean;
}

const COMMENT_HEADERS: ReadonlyArray<[string, SectionKind]> = [
  ['-- Table structure for table ', 't'],
  ['-- Dumping data for table ', 'd'],
  ['-- Temporary table structure for view ', 'vt'],
  ['-- Temporary view structure for view ', 'vt'],
  ['-- Final view structure for view ', 'v'],
  ['-- Dumping routines for database ', 'r'],
  ['-- Dumping events for database ', 'e'],
  ['-- Current Database: ', 'db'],
];

const FOOTER_STARTS = ['/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;', '/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;'];

const DASH = 0x2d;
const SLASH = 0x2f;

/**
 * Reads `name` or 'name' (doubled quote = literal quote) at the start of text. With
 * `unterminated`, a name still open at the end of the line (it holds a newline) is returned as
 * its first line plus '\n', and marked partial.
 */
export function parseQuotedName(text: string): string | undefined {
  return parseName(text)?.name;
}

function parseName(text: string, unterminated = false): { name: string; partial: boolean } | undefined {
  const quote = text[0];
  if (quote !== '`' && quote !== "'") return undefined;
  let name = '';
  for (let i = 1; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === quote) {
      if (text[i + 1] === quote) {
        name += c;
        i += 1;
      } else return { name, partial: false };
    } else name += c;
  }
  return unterminated ? { name: `${name}\n`, partial: true } : undefined;
}

function lineText(buf: Buffer, start: number, end: number): string {
  let stop = end;
  while (stop > start && (buf[stop - 1] === 0x0a || buf[stop - 1] === 0x0d)) stop -= 1;
  return buf.toString('utf8', start, Math.min(stop, start + 4096));
}

/** A `-- ...` header or the footer's first line, or undefined. */
export function detectSection(buf: Buffer, start: number, end: number): SectionStart | undefined {
  const first = buf[start];
  if (first === DASH && buf[start + 1] === DASH && buf[start + 2] === 0x20) {
    const text = lineText(buf, start, end);
    for (const [prefix, kind] of COMMENT_HEADERS) {
      if (text.startsWith(prefix)) {
        const parsed = parseName(text.slice(prefix.length), true);
        if (parsed) return parsed.partial ? { kind, name: parsed.name, commented: true, partial: true } : { kind, name: parsed.name, commented: true };
      }
    }
    if (text.startsWith('-- Dump completed')) return { kind: 'footer', name: '', commented: false };
    return undefined;
  }
  if (first === SLASH && buf[start + 1] === 0x2a && end - start < 80) {
    const text = lineText(buf, start, end);
    if (FOOTER_STARTS.includes(text)) return { kind: 'footer', name: '', commented: false };
  }
  return undefined;
}

/** `DROP TABLE IF EXISTS `x`;`, `LOCK TABLES `x` WRITE;`, `USE `db`;` — for dumps made with --skip-comments. */
export function detectStatement(buf: Buffer, start: number, end: number): { what: 'drop' | 'lock' | 'use'; name: string } | undefined {
  const first = buf[start];
  if (first !== 0x44 && first !== 0x4c && first !== 0x55) return undefined;
  const text = lineText(buf, start, end);
  for (const [prefix, what] of [
    ['DROP TABLE IF EXISTS ', 'drop'],
    ['LOCK TABLES ', 'lock'],
    ['USE ', 'use'],
  ] as const) {
    if (text.startsWith(prefix)) {
      const name = parseName(text.slice(prefix.length), true)?.name;
      if (name !== undefined) return { what, name };
    }
  }
  return undefined;
}

/** A line that is (part of) an INSERT: `INSERT ...`, `REPLACE ...` or an extended-insert tuple `(...`. */
export function isRowLine(buf: Buffer, start: number): boolean {
  const first = buf[start];
  if (first === 0x28) return true;
  if (first === 0x49) return buf[start + 1] === 0x4e && buf[start + 2] === 0x53 && buf[start + 3] === 0x45 && buf[start + 4] === 0x52 && buf[start + 5] === 0x54 && buf[start + 6] === 0x20;
  if (first === 0x52) return buf[start + 1] === 0x45 && buf[start + 2] === 0x50 && buf[start + 3] === 0x4c && buf[start + 4] === 0x41 && buf[start + 7] === 0x20;
  return false;
}

/** Whether a row line ends a row or statement (`...),` or `...);`), i.e. a cut may follow it. */
export function endsRow(buf: Buffer, start: number, end: number): boolean {
  let i = end - 1;
  while (i > start && (buf[i] === 0x0a || buf[i] === 0x0d)) i -= 1;
  const last = buf[i];
  return last === 0x3b || last === 0x2c;
}

export function isDashLine(buf: Buffer, start: number, end: number): boolean {
  const len = end - start;
  return buf[start] === DASH && buf[start + 1] === DASH && (len === 3 || (len === 4 && buf[start + 2] === 0x0d)) && buf[end - 1] === 0x0a;
}

const DELIMITER = Buffer.from('DELIMITER ');

export function isDelimiterLine(buf: Buffer, start: number, end: number): boolean {
  return end - start > DELIMITER.length && buf.subarray(start, start + DELIMITER.length).equals(DELIMITER);
}

export function isDefaultDelimiter(buf: Buffer, start: number, end: number): boolean {
  return buf.toString('latin1', start + DELIMITER.length, end).trim() === ';';
}

/** An empty line (`\n` or `\r\n`). */
export function isBlankLine(buf: Buffer, start: number, end: number): boolean {
  const len = end - start;
  return (len === 1 && buf[start] === 0x0a) || (len === 2 && buf[start] === 0x0d && buf[start + 1] === 0x0a);
}

const HEADER = /^(?:\uFEFF|\xEF\xBB\xBF)?-- (?:MySQL|MariaDB) dump/;

/** mysqldump's first comment line (MySQL and MariaDB; absent with --skip-comments / --compact). */
export function isDumpHeader(buf: Buffer, start: number, end: number): boolean {
  return HEADER.test(buf.toString('latin1', start, Math.min(end, start + 24)));
}

/** MariaDB's sandbox-mode line (`/*M!999999\- enable the sandbox mode`), written before the header. */
export function isSandboxLine(buf: Buffer, start: number, end: number): boolean {
  return buf.toString('latin1', start, Math.min(end, start + 10)) === '/*M!999999';
}

const TRAILER = /^-- Dump completed(?: on \d{4}-\d\d-\d\d +\d{1,2}:\d\d:\d\d)?\r?\n?$/;

/** The whole line is mysqldump's `-- Dump completed` (with or without ` on DATE`, as --skip-dump-date leaves it). */
export function isTrailer(buf: Buffer, start: number, end: number): boolean {
  return end - start >= 17 && end - start < 64 && TRAILER.test(buf.toString('latin1', start, end));
}

const DUMP_SHAPE = /^(?:\/\*!\d{5} |CREATE TABLE `|CREATE DATABASE |INSERT INTO `)/;

/**
 * A line only mysqldump-like output has: a versioned comment (`/*!40101 SET ...`), or a
 * CREATE TABLE / CREATE DATABASE / INSERT INTO with a quoted name. With the sections, this
 * tells a dump without header from other text (`DROP DATABASE a;` is not a dump).
 */
export function looksLikeDumpLine(buf: Buffer, start: number, end: number): boolean {
  const first = buf[start];
  if (first !== SLASH && first !== 0x43 && first !== 0x49) return false;
  return DUMP_SHAPE.test(buf.toString('latin1', start, Math.min(end, start + 20)));
}
