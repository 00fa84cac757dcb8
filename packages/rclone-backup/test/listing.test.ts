import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLocalTime } from '../src/newest.js';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

const dir = tempDir('rb-list-');
afterAll(() => cleanup(dir));
const src = join(dir, 'src');
writeTree(src, {
  'photos/2024/a.jpg': 'a'.repeat(3000),
  'photos/2024/b.jpg': 'b'.repeat(2000),
  'videos/v.mp4': 'v'.repeat(9000),
  'docs/readme.txt': 'r'.repeat(10),
  'docs/skip.tmp': 'tmp',
  'future.txt': 'from the future',
  'backup~': 'editor',
});
const set = (path: string, iso: string): void => {
  const t = Date.parse(iso) / 1000;
  utimesSync(join(src, path), t, t);
};
set('photos/2024/a.jpg', '2024-05-01T12:00:00Z');
set('photos/2024/b.jpg', '2024-05-02T12:00:00Z');
set('videos/v.mp4', '2024-04-01T00:00:00Z');
set('docs/readme.txt', '2023-01-01T00:00:00Z');
set('future.txt', '2099-01-01T00:00:00Z');
const conf = writeConfig(dir, 'l', `[default]\nsource = ${src}\ndestination = ${dir}/dst\n[filters]\n- *.tmp\n[test-filters]\n# reviewed\n+ /videos/**\n`);

describe('--ls, --newest, --audit', () => {
  it('--ls lists what the backup would contain', async () => {
    const r = await run([conf, '--ls']);
    expect(r.code).toBe(0);
    const paths = r.out.trim().split('\n').map((l) => l.trim().split(/\s+/)[1]).sort();
    expect(paths).toEqual(['docs/readme.txt', 'future.txt', 'photos/2024/a.jpg', 'photos/2024/b.jpg', 'videos/v.mp4']);
  });
  it('--newest ignores files dated in the future', async () => {
    const r = await run([conf, '--newest']);
    expect(r.code).toBe(0);
    const when = Date.parse('2024-05-02T12:00:00Z');
    expect(r.out).toBe(`${formatLocalTime(when)} (@${when / 1000}) photos/2024/b.jpg\n`);
  });
  it('--audit prints the du report without the test-filtered files', async () => {
    const r = await run([conf, '--audit']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('5000\tphotos\n');
    expect(r.out).toContain('3000\tphotos/2024/a.jpg\n');
    expect(r.out).not.toContain('videos');
    expect(r.out).not.toContain('skip.tmp');
  });
  it('--audit --max-age keeps only recent files', async () => {
    set('docs/readme.txt', new Date().toISOString());
    const r = await run([conf, '--audit', '--max-age', '7d']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('docs/readme.txt');
    expect(r.out).not.toContain('photos');
  });
});
