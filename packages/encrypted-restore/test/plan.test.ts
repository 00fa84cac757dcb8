import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { escapeName, formatIecSize, listCryptFiles, type CryptFileHistory } from '@rclone-b2/core';
import { FakeB2, hexNames } from 'b2-emulator/test-helpers';
import { textReport } from '../src/report.js';
import { restore } from '../src/restore.js';
import { isSafeRelative } from '../src/select.js';
import { restoreOptions } from './support/options.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1, 12);
const enc = (p: string) => `pre/${hexNames.encryptPath(p)}`;

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** The plan as the per-line writer printed it (before lines were gathered into chunks). */
function linePerVersion(histories: CryptFileHistory[], target: string): string {
  let out = '';
  for (const h of histories) {
    for (const v of h.versions) {
      const stamp = new Date(v.uploadTimestamp).toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').replace('Z', '');
      const name = `${h.relative.replace(/(\.[^./]*)?$/, (ext) => `-v${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}-${stamp.slice(9, 15)}-${stamp.slice(16, 19)}${ext}`)}`;
      const what = v.action === 'upload' ? formatIecSize(v.contentLength) : 'deletion → /dev/null';
      out += `would restore ${escapeName(h.path)} (${what}) to ${escapeName(`${target}/${name}`)}\n`;
    }
  }
  return out;
}

describe('--all --dry-run plan', () => {
  it('is the same text, line for line, over thousands of versions and odd names (chunks of 64 KiB)', async () => {
    const b2 = new FakeB2();
    const names = Array.from({ length: 600 }, (_, i) => (i % 5 === 0 ? `d/ünï ${i}/😀.tar.gz` : i % 7 === 0 ? `d/tab\there-${i}` : `d/f-${i}.txt`));
    names.forEach((n, i) => {
      for (let v = 0; v < 6; v++) b2.upload(enc(n), 'x'.repeat(i + v), {}, T0 + v * DAY + i);
      if (i % 4 === 0) b2.hide(enc(n), T0 + 7 * DAY + i);
    });
    const histories: CryptFileHistory[] = [];
    for await (const h of listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path: 'd' })) histories.push(h);
    const out = collect();
    const stats = await restore(
      (async function* () {
        yield* histories;
      })(),
      restoreOptions(b2, '/t', T0, { mode: { kind: 'all' }, dryRun: true, report: textReport(out.stream) }),
    );
    expect(stats.files + stats.deletions).toBe(600 * 6 + 150);
    expect(out.text().length).toBeGreaterThan(3 * 64 * 1024);
    expect(out.text()).toBe(linePerVersion(histories, '/t'));
  });

  it.each(['/t/./u/', '/t/x/../u', '/t/u'])('target %j: local paths as path.join makes them', async (target) => {
    const b2 = new FakeB2();
    b2.upload(enc('d/a.txt'), 'abc', {}, T0);
    b2.upload(enc('d/s/b'), 'abcd', {}, T0 + 1);
    const histories: CryptFileHistory[] = [];
    for await (const h of listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path: 'd' })) histories.push(h);
    const out = collect();
    await restore(listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path: 'd' }), restoreOptions(b2, target, T0, { mode: { kind: 'all' }, dryRun: true, report: textReport(out.stream) }));
    expect(out.text()).toBe(linePerVersion(histories, '/t/u'));
  });

  it('a listing that fails part-way still prints the plan made so far', async () => {
    const b2 = new FakeB2();
    for (let i = 0; i < 20; i++) b2.upload(enc(`d/f${i}`), 'abc', {}, T0);
    const out = collect();
    async function* failing(): AsyncGenerator<CryptFileHistory> {
      let n = 0;
      for await (const h of listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path: 'd' })) {
        if (n++ === 10) throw new Error('connection reset');
        yield h;
      }
    }
    await expect(restore(failing(), restoreOptions(b2, '/t', T0, { mode: { kind: 'all' }, dryRun: true, report: textReport(out.stream) }))).rejects.toThrow('connection reset');
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(10);
  });
});

describe('isSafeRelative', () => {
  const bySplit = (r: string): boolean => r.length > 0 && r.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
  it.each(['a', 'a/b', '.a', '..a', 'a..', '...', 'a/./b', 'a/../b', '..', '.', '', '/a', 'a/', 'a//b', 'a/.', 'a/..', './a', '../a', 'a/.../b', '.../'])('%j as split("/") judged it', (r) => {
    expect(isSafeRelative(r)).toBe(bySplit(r));
  });
});
