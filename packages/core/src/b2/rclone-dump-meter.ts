import { countCall, emptyUsage, type B2Usage } from './usage.js';

/**
 * Counts the B2 calls an rclone run makes, from its `--dump headers` output (rclone logs
 * every HTTP request and response as debug records; `--use-json-log` makes each one
 * record). A request line names the call: `POST /b2api/v1/b2_list_file_names`,
 * `POST /b2api/v2/b2_upload_file/…` (the upload URL), `GET|HEAD /file/BUCKET/NAME`
 * (b2_download_file_by_name). Every request counts, retried and failed ones included, as
 * B2 bills them. Bytes up are the Content-Length of upload requests; bytes down that of
 * download responses (matched to their request by rclone's `req 0x…` id).
 *
 * Not counted: list calls are billed per 1,000 names returned, and the dump does not show
 * bodies, so a page of more than 1,000 names counts as one transaction (rclone asks for
 * 1,000 per page unless told otherwise, which keeps this exact by default).
 */
export class RcloneDumpMeter {
  readonly usage: B2Usage = emptyUsage();
  /** The `req 0x…` id of the last marker seen, and whether it announced a request or a response. */
  private marker: { id: string; kind: 'request' | 'response' } | undefined;
  private readonly downloads = new Set<string>();

  /** rclone arguments that make it dump what this meter reads. */
  static readonly ARGS: readonly string[] = ['--dump', 'headers'];

  /** Whether a log message is part of the dump (for callers that only filter). */
  static isDump(msg: string): boolean {
    return DUMP_MESSAGE.test(msg);
  }

  /**
   * Reads one log message; true when it was part of the dump (a caller keeps those off
   * the screen: they are the meter's input, not rclone's news).
   */
  read(msg: string): boolean {
    const mark = /^HTTP (REQUEST|RESPONSE) \(req (0x[0-9a-f]+)\)$/.exec(msg);
    if (mark) {
      this.marker = { id: mark[2] as string, kind: mark[1] === 'REQUEST' ? 'request' : 'response' };
      return true;
    }
    if (/^(>{20,}|<{20,})$/.test(msg) || msg.startsWith('You have specified to dump information')) return true;
    const request = /^(GET|HEAD|POST|PUT) (\S+) HTTP\/[\d.]+\r?\n/.exec(msg);
    if (request) {
      this.readRequest(request[1] as string, request[2] as string, msg);
      return true;
    }
    if (/^HTTP\/[\d.]+ \d{3}/.test(msg)) {
      this.readResponse(msg);
      return true;
    }
    return false;
  }

  private readRequest(method: string, path: string, text: string): void {
    const id = this.marker?.kind === 'request' ? this.marker.id : undefined;
    this.marker = undefined;
    const call = callOf(path);
    if (!call) return;
    countCall(this.usage, call);
    if (call === 'b2_upload_file' || call === 'b2_upload_part') this.usage.bytesUp += contentLength(text);
    const download = call === 'b2_download_file_by_id' || call === 'b2_download_file_by_name';
    if (download && method !== 'HEAD' && id) this.downloads.add(id);
  }

  private readResponse(text: string): void {
    const id = this.marker?.kind === 'response' ? this.marker.id : undefined;
    this.marker = undefined;
    if (!id || !this.downloads.delete(id)) return;
    if (/^HTTP\/[\d.]+ 20[06]/.test(text)) this.usage.bytesDown += contentLength(text);
  }
}

const DUMP_MESSAGE =
  /^(HTTP (REQUEST|RESPONSE) \(req 0x[0-9a-f]+\)$|>{20,}$|<{20,}$|You have specified to dump information|(GET|HEAD|POST|PUT|DELETE) \S+ HTTP\/[\d.]+\r?\n|HTTP\/[\d.]+ \d{3})/;

/** The B2 call a request path makes, or undefined for a path that is not B2's. */
export function callOf(path: string): string | undefined {
  if (path.startsWith('/file/')) return 'b2_download_file_by_name';
  return /^\/b2api\/v\d+\/(b2_[a-z_]+)/.exec(path)?.[1];
}

function contentLength(text: string): number {
  const match = /\r?\ncontent-length: *(\d+)/i.exec(text);
  return match ? Number(match[1]) : 0;
}
