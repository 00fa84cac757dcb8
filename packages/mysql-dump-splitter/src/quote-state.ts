// Where a line of a dump leaves the mysql client's quote state: inside a string ('...' "..."),
// a quoted name (`...`) or a /* comment */, or nowhere. mysqldump writes data strings with
// their newlines escaped, but a name may hold a raw newline (CREATE TABLE `a<LF>b`, on two
// lines), and a routine, trigger or event body is written as it was typed, so a string in it
// can span lines holding `DELIMITER ;` or `-- Dump completed`. Such a line is not a line start
// for the client, so it is none for the splitter either: never a section, a DELIMITER, a row
// or the trailer. The rules are the client's (mysql.cc add_line): a backslash escapes the next
// byte in '...' and "..." (not in `...`, not under NO_BACKSLASH_ESCAPES, not in "..." under
// ANSI_QUOTES); `-- ` and `#` comment out the rest of the line; `/*!` and `/*M!` are not
// comments; quotes inside comments do not count.

/** The quote byte still open (0 none) plus IN_COMMENT when a /* comment is open. */
export type QuoteState = number;

export const IN_COMMENT = 0x100;

export interface QuoteModes {
  noBackslashEscapes: boolean;
  ansiQuotes: boolean;
}

const BACKSLASH = 0x5c;

function isSpace(c: number | undefined): boolean {
  return c === undefined || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

/** The state after buf[start, end) (end may stop early: `untilValues` stops at VALUES outside quotes). */
export function scanQuotes(buf: Buffer, start: number, end: number, state: QuoteState, modes: QuoteModes, untilValues = false): QuoteState {
  let quote = state & 0xff;
  let comment = (state & IN_COMMENT) !== 0;
  for (let i = start; i < end; i += 1) {
    const c = buf[i] as number;
    if (comment) {
      if (c === 0x2a && buf[i + 1] === 0x2f && i + 1 < end) {
        comment = false;
        i += 1;
      }
    } else if (quote !== 0) {
      if (c === BACKSLASH && quote !== 0x60 && !modes.noBackslashEscapes && !(quote === 0x22 && modes.ansiQuotes)) i += 1;
      else if (c === quote) quote = 0;
    } else if (c === 0x27 || c === 0x22 || c === 0x60) quote = c;
    else if (c === 0x23 || (c === 0x2d && buf[i + 1] === 0x2d && i + 1 < end && isSpace(i + 2 < end ? buf[i + 2] : undefined))) break;
    else if (c === 0x2f && buf[i + 1] === 0x2a && i + 1 < end) {
      const next = buf[i + 2];
      if (next !== 0x21 && !(next === 0x4d && buf[i + 3] === 0x21)) {
        comment = true;
        i += 1;
      }
    } else if (untilValues && c === 0x56 && buf.toString('latin1', i, i + 6) === 'VALUES') break;
  }
  return quote | (comment ? IN_COMMENT : 0);
}

const SQL_MODE = /^\/\*!\d{5} SET sql_mode\s*=\s*(?:'([^']*)'|@)/i;

/**
 * The quote rules a `/*!50003 SET sql_mode = '…' *\/` line puts in force for the client
 * (mysqldump sets each routine's, trigger's and event's mode before its body, and restores the
 * saved one after), or undefined if the line sets none. `= @saved_sql_mode` goes back to the dump's own mode, which has neither flag.
 */
export function modesOf(buf: Buffer, start: number, end: number): QuoteModes | undefined {
  const first = buf[start];
  if (first !== 0x2f) return undefined;
  const match = SQL_MODE.exec(buf.toString('latin1', start, Math.min(end, start + 512)));
  if (!match) return undefined;
  const mode = (match[1] ?? '').toUpperCase();
  return { noBackslashEscapes: /\bNO_BACKSLASH_ESCAPES\b/.test(mode), ansiQuotes: /\bANSI_QUOTES\b|\bANSI\b/.test(mode) };
}
