// Known answers for the meter, from rclone 1.60.1's own `--dump headers --use-json-log`
// records (the real end-to-end check against the emulator's count is in rclone-backup's
// b2-usage test).
import { describe, expect, it } from 'vitest';
import { RcloneDumpMeter } from '../src/index.js';
import { callOf } from '../src/b2/rclone-dump-meter.js';

const SEP_REQ = '>'.repeat(60);
const SEP_RESP = '<'.repeat(60);

function exchange(id: string, request: string, response: string): string[] {
  return [SEP_REQ, `HTTP REQUEST (req ${id})`, request, SEP_REQ, SEP_RESP, `HTTP RESPONSE (req ${id})`, response, SEP_RESP];
}

describe('RcloneDumpMeter', () => {
  it.each([
    ['/b2api/v1/b2_authorize_account', 'b2_authorize_account'],
    ['/b2api/v1/b2_list_file_names', 'b2_list_file_names'],
    ['/b2api/v2/b2_upload_file/4b666d74eddfcb76cd06d93d/db111be159fd', 'b2_upload_file'],
    ['/b2api/v2/b2_upload_part/4_z1/c001', 'b2_upload_part'],
    ['/b2api/v1/b2_download_file_by_id?fileId=4_z1', 'b2_download_file_by_id'],
    ['/file/bucket-one/x/f1.txt', 'b2_download_file_by_name'],
    ['/not/b2', undefined],
  ])('callOf(%s) = %s', (path, call) => {
    expect(callOf(path)).toBe(call);
  });

  it('counts each request by call and class, bytes up from uploads and bytes down from download responses only', () => {
    const meter = new RcloneDumpMeter();
    const lines = [
      'You have specified to dump information. Please be noted that the Accept-Encoding as shown may not be correct',
      ...exchange(
        '0xc0007f5300',
        'GET /b2api/v1/b2_authorize_account HTTP/1.1\r\nHost: h\r\nAuthorization: XXXX\r\n\r\n',
        'HTTP/1.1 200 OK\r\nContent-Length: 560\r\n\r\n',
      ),
      ...exchange('0xc0007f5b00', 'HEAD /file/bucket-one/x HTTP/1.1\r\nHost: h\r\n\r\n', 'HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n'),
      ...exchange(
        '0xc0006df600',
        'POST /b2api/v1/b2_upload_file/4b6/db1 HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\nX-Bz-File-Name: x/f1.txt\r\n\r\n',
        'HTTP/1.1 200 OK\r\nContent-Length: 492\r\n\r\n',
      ),
      ...exchange('0xc000a00000', 'GET /file/bucket-one/x/f1.txt HTTP/1.1\r\nHost: h\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n'),
      // a retried download that failed: counted (B2 bills it), no bytes
      ...exchange(
        '0xc000a00100',
        'GET /b2api/v1/b2_download_file_by_id?fileId=z HTTP/1.1\r\nHost: h\r\n\r\n',
        'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 100\r\n\r\n',
      ),
    ];
    for (const line of lines) expect(meter.read(line)).toBe(true);
    expect(meter.read('Size and modification time the same')).toBe(false);
    expect(meter.usage.calls).toEqual({ b2_authorize_account: 1, b2_download_file_by_name: 2, b2_upload_file: 1, b2_download_file_by_id: 1 });
    expect(meter.usage.transactions).toEqual({ A: 1, B: 3, C: 1 });
    expect(meter.usage.bytesUp).toBe(7);
    expect(meter.usage.bytesDown).toBe(7);
    expect(lines.every((l) => RcloneDumpMeter.isDump(l))).toBe(true);
  });
});
