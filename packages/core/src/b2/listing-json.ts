// A listing page's JSON parsed in pieces. A page of 1,000 versions is ~0.7 MB: decoded as one
// string it lands in V8's large-object space (strings over 128 KiB), where making it costs
// ~35× what a small string costs (measured: 1.7 ms against 0.05 ms per 400 KB) and a third
// of encrypted-du's CPU at 50 ms latency went there. The `files` array is therefore cut
// between two of its elements every PIECE bytes and each piece parsed on its own. A cut is
// only ever a guess (a `}`, `,`, `{` run may sit inside a name): a wrong one leaves a piece
// that is not valid JSON — an unterminated string or an unclosed object — and the whole
// body is then parsed as one, so the result is JSON.parse's (for any answer with one `files`).

type Json = Record<string, unknown>;

/** Bytes of JSON text per piece: well under 128 KiB even as two-byte (non-Latin-1) text. */
const PIECE = 48 * 1024;
/** How far past a piece's end a boundary is looked for before giving up on cutting. */
const SEARCH = 64 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const COLON = 0x3a;
const FILES_KEY = Buffer.from('"files"');

const isSpace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

function skipSpace(body: Uint8Array, at: number): number {
  while (at < body.length && isSpace(body[at]!)) at += 1;
  return at;
}

/** Just after the `[` of a body that starts `{"files":[` (any spacing); -1 for any other body. */
function filesStart(body: Buffer): number {
  let at = skipSpace(body, 0);
  if (body[at] !== OPEN_BRACE) return -1;
  at = skipSpace(body, at + 1);
  if (!body.subarray(at, at + FILES_KEY.length).equals(FILES_KEY)) return -1;
  at = skipSpace(body, at + FILES_KEY.length);
  if (body[at] !== COLON) return -1;
  at = skipSpace(body, at + 1);
  return body[at] === OPEN_BRACKET ? at + 1 : -1;
}

/** The `,` of the first `}`, `,`, `{` run (any spacing) whose `{` is at or after `from`; -1 if none near. */
function boundaryAfter(body: Buffer, from: number): number {
  const limit = Math.min(body.length, from + SEARCH);
  for (let brace = body.indexOf(OPEN_BRACE, from); brace >= 0 && brace < limit; brace = body.indexOf(OPEN_BRACE, brace + 1)) {
    let at = brace - 1;
    while (at > from && isSpace(body[at]!)) at -= 1;
    if (body[at] !== COMMA) continue;
    const comma = at;
    at -= 1;
    while (at > from && isSpace(body[at]!)) at -= 1;
    if (body[at] === CLOSE_BRACE) return comma;
  }
  return -1;
}

/** JSON.parse of a B2 listing answer (`{"files":[...], ...}`), without one string of the whole body. */
export function parseListingBody(body: Buffer): Json {
  const open = body.length > 2 * PIECE ? filesStart(body) : -1;
  if (open < 0) return JSON.parse(body.toString('utf8')) as Json;
  const files: unknown[] = [];
  let start = open;
  try {
    for (;;) {
      if (body.length - start <= 2 * PIECE) break;
      const cut = boundaryAfter(body, start + PIECE);
      if (cut < 0) break;
      const piece = JSON.parse(`[${body.toString('utf8', start, cut)}]`) as unknown[];
      for (const file of piece) files.push(file);
      start = cut + 1;
    }
    const rest = JSON.parse(`{"files":[${body.toString('utf8', start)}`) as Json;
    const last = rest.files as unknown[];
    for (const file of last) files.push(file);
    rest.files = files;
    return rest;
  } catch {
    // A guessed cut inside a name (or a body that is not JSON at all: then this throws as JSON.parse does).
    return JSON.parse(body.toString('utf8')) as Json;
  }
}
