import type { IncomingMessage, ServerResponse } from 'node:http';
import { B2ApiError, badRequest } from './errors.js';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A JSON body already serialized in pieces (large listings): serializing a page in small
 * chunks avoids multi-megabyte strings, which cost the emulator dearly in GC with big heaps.
 */
export class JsonParts {
  constructor(readonly parts: Buffer[]) {}
}

/** Files serialized together: their text stays under 128 KiB (~700 bytes a file), V8's limit for a cheap string. */
const FILES_PER_CHUNK = 64;
const COMMA = Buffer.from(',');

/**
 * `{"files":[...],<tail>}` with the file objects serialized FILES_PER_CHUNK at a time (200 at a
 * time made strings of ~140 KB, in V8's large-object space: a page cost 10-12 ms, now ~4).
 */
export function listingBody(files: readonly unknown[], tail: Record<string, unknown>): JsonParts {
  const parts: Buffer[] = [Buffer.from('{"files":[')];
  for (let i = 0; i < files.length; i += FILES_PER_CHUNK) {
    if (i > 0) parts.push(COMMA);
    const chunk = Buffer.from(JSON.stringify(files.slice(i, i + FILES_PER_CHUNK)));
    parts.push(chunk.subarray(1, chunk.length - 1));
  }
  parts.push(Buffer.from(`],${JSON.stringify(tail).slice(1)}`));
  // One buffer: one write for the socket, not two per chunk.
  return new JsonParts([Buffer.concat(parts)]);
}

/** Responses that a `cut` fault breaks off halfway through their body. */
const cutResponses = new WeakSet<ServerResponse>();

/** Marks a response to be cut: headers and half the body are sent, then the connection is closed. */
export function cutMidBody(res: ServerResponse): void {
  cutResponses.add(res);
}

/** Sends the body (already announced by Content-Length), or half of it on a cut response. */
export function endBody(res: ServerResponse, chunks: readonly Buffer[]): void {
  if (!cutResponses.has(res)) {
    for (const chunk of chunks) res.write(chunk);
    res.end();
    return;
  }
  const whole = Buffer.concat(chunks);
  res.write(whole.subarray(0, Math.floor(whole.length / 2)), () => res.destroy());
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body instanceof JsonParts) {
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=utf-8',
      'Content-Length': body.parts.reduce((n, b) => n + b.length, 0),
      'Cache-Control': 'max-age=0, no-cache, no-store',
      ...headers,
    });
    endBody(res, body.parts);
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json;charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'max-age=0, no-cache, no-store',
    ...headers,
  });
  endBody(res, [Buffer.from(text)]);
}

export function sendError(res: ServerResponse, error: B2ApiError, head = false): void {
  if (head) {
    res.writeHead(error.status, { 'Cache-Control': 'max-age=0, no-cache, no-store', ...error.headers });
    res.end();
    return;
  }
  sendJson(res, error.status, error.toJSON(), error.headers);
}

/** Parameters of an API call: the JSON body (POST) or the query string (GET). */
export function callParams(req: IncomingMessage, url: URL, body: Buffer): Record<string, unknown> {
  if (body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new B2ApiError(400, 'bad_json', 'Request body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('Request body must be a JSON object');
    return parsed as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}

export function str(params: Record<string, unknown>, name: string, required: true): string;
export function str(params: Record<string, unknown>, name: string, required?: false): string | undefined;
export function str(params: Record<string, unknown>, name: string, required = false): string | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`required field ${name} is missing`);
    return undefined;
  }
  if (typeof v !== 'string') throw badRequest(`field ${name} must be a string`);
  return v;
}

export function int(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n)) throw badRequest(`field ${name} must be an integer`);
  return n;
}

export function info(params: Record<string, unknown>, name: string): Record<string, string> {
  const v = params[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`field ${name} must be an object`);
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) {
    if (typeof value !== 'string') throw badRequest(`${name} values must be strings`);
    out[k.toLowerCase()] = value;
  }
  return out;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive [start, end], or undefined for the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw badRequest(`Invalid Range header: ${header}`);
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) {
    throw new B2ApiError(416, 'range_not_satisfiable', `The range ${header} is not satisfiable for a file of ${size} bytes`, {
      'Content-Range': `bytes */${size}`,
    });
  }
  return { start, end };
}
