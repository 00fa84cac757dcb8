import { describe, expect, it } from 'vitest';
import { Regrouper } from '../src/regroup.js';
import { scanRow } from '../src/sql-scan.js';

describe('scanRow (sql-scan)', () => {
  it.each([
    ["(1,'a')", 7],
    ["(1,'a)b')", 9],
    ["(1,'it\\'s ( )')", 15],
    ["(1,'x''y')", 10],
    ["(1,'back\\\\'),(2)", 12],
    ['(1,"dq)")', 9],
    ["(1,'unterminated", -1],
    ['(1,(2),3)', 9],
  ])('%s → %d', (text, end) => {
    const buf = Buffer.from(text);
    expect(scanRow(buf, 0, buf.length)).toBe(end);
  });
});

function regroup(lines: string[], groupTarget = 1 << 30): string {
  const out: Buffer[] = [];
  const r = new Regrouper({ emit: (b, s, e) => out.push(Buffer.from(b.subarray(s, e))), beforeGroup: () => undefined, groupEnded: () => undefined }, groupTarget, 1 << 30);
  lines.forEach((text, i) => {
    const buf = Buffer.from(`${text}\n`);
    r.line(buf, 0, buf.length, i + 1);
  });
  r.flush();
  return Buffer.concat(out).toString();
}

describe('Regrouper', () => {
  const want = "INSERT INTO `t` VALUES\n(1,'a'),\n(2,'b;c'),\n(3,NULL);\n";
  it.each([
    ['MySQL one-line extended', ["INSERT INTO `t` VALUES (1,'a'),(2,'b;c'),(3,NULL);"]],
    ['MariaDB row per line', ['INSERT INTO `t` VALUES', "(1,'a'),", "(2,'b;c'),", '(3,NULL);']],
    ['--skip-extended-insert', ["INSERT INTO `t` VALUES (1,'a');", "INSERT INTO `t` VALUES (2,'b;c');", 'INSERT INTO `t` VALUES (3,NULL);']],
    ['statements split elsewhere', ["INSERT INTO `t` VALUES (1,'a'),(2,'b;c');", 'INSERT INTO `t` VALUES (3,NULL);']],
  ])('%s → one group of rows', (_name, lines) => {
    expect(regroup(lines)).toBe(want);
  });

  it('keeps a --complete-insert column list in the prefix', () => {
    expect(regroup(['INSERT INTO `t` (`a`, `VALUES`) VALUES (1,2);'])).toBe('INSERT INTO `t` (`a`, `VALUES`) VALUES\n(1,2);\n');
  });

  it('cuts groups by content: tiny target → one row per group', () => {
    expect(regroup(["INSERT INTO `t` VALUES (1,'a'),(2,'b');"], 1)).toBe("INSERT INTO `t` VALUES\n(1,'a');\nINSERT INTO `t` VALUES\n(2,'b');\n");
  });

  it.each([["INSERT INTO `t` VALUES (1,'a') x;"], ['INSERT INTO `t` SET a=1;'], ["INSERT INTO `t` VALUES (1,'a"]])('rejects %s', (text) => {
    expect(() => regroup([text])).toThrow(/cannot regroup/);
  });
});
