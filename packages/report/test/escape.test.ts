import { describe, expect, it } from 'vitest';
import { escapeHtml, htmlReport, jsonForScript, type DuReportData } from '../src/index.js';

const HOSTILE = ['</script><script>alert(1)</script>', '<!--', '"><img src=x onerror=alert(1)>', "a'b&c", '\u2028\u2029', '</SCRIPT >'];

describe('escaping', () => {
  it.each(HOSTILE)('jsonForScript(%j) has no "<" and parses back to the same value', (name) => {
    const text = jsonForScript({ name });
    expect(text).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ name });
  });

  it.each(HOSTILE)('escapeHtml(%j) leaves no markup character', (name) => {
    expect(escapeHtml(name)).not.toMatch(/[<>"']/);
  });

  it('a page of hostile names has exactly its own two script elements and one closing tag each', () => {
    const data: DuReportData = {
      kind: 'du',
      tool: 'test',
      title: HOSTILE[0] as string,
      generated: '2026-01-01T00:00:00.000Z',
      root: { n: '', s: 6, f: 6, d: 1, c: HOSTILE.map((n) => ({ n, s: 1, f: 1 })) },
      threshold: 0,
      countNoun: 'files',
      hasOld: false,
      largest: HOSTILE.map((path) => ({ path, bytes: 1, files: 1 })),
    };
    const page = [...htmlReport(data)].join('');
    expect(page.match(/<script/gi)).toHaveLength(2);
    expect(page.match(/<\/script/gi)).toHaveLength(2);
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<!--');
    // Only the page's own script may run, by its hash; nothing may be fetched.
    expect(page).toMatch(/content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-[A-Za-z0-9+/=]+'"/);
  });
});
