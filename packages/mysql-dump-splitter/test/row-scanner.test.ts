// The compiled row scanner must make the JavaScript path's decisions on any input, including
// lines that only look like rows (REPLA…, INSERT without a space, CR line ends, rows shorter
// than the hash window, a '(' far into the line), cut anywhere by the input chunks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Splitter } from '../src/splitter.js';
import { MemorySink } from './helpers/synthetic.js';

const LINES = [
  "(1,'a'),",
  "(22,'bb');",
  '(3)',
  "INSERT INTO `t` VALUES (4,'x');",
  "INSERT INTO `t` VALUES (5,'y'),",
  'INSERTINTO x;',
  "REPLACE INTO `t` VALUES (6,'z');",
  'REPLA',
  'REPLA',
  'REPLAC',
  'REPLACE',
  'R',
  'I',
  "(7,'crlf');\r",
  "(8,'\\r\\n');\r\r",
  '--',
  '-- Dumping data for table `t`',
  '/*!40000 ALTER TABLE `t` DISABLE KEYS */;',
  'LOCK TABLES `t` WRITE;',
  'UNLOCK TABLES;',
  'DELIMITER ;;',
  'DELIMITER ;',
  `INSERT INTO \`${'p'.repeat(600)}\` VALUES (9,'far');`,
  // the hash looks for the row's '(' in the first 512 bytes: at 510, 511, 512
  ...[488, 489, 490].map((k) => `INSERT INTO \`${'q'.repeat(k)}\` VALUES (1,'edge');`),
  // after 'REPLA', the JavaScript test reads this line's second byte
  '( 10);',
  '',
];

const longRow = fc
  .tuple(fc.integer({ min: 0, max: 99999 }), fc.string({ maxLength: 300 }), fc.constantFrom(',', ';', ');', ',\r', ';\r\r', ''))
  .map(([id, s, end]) => `(${id},'${s.replace(/[\n\\']/g, '_')}')${end}`);
const line = fc.oneof(fc.constantFrom(...LINES), longRow, longRow, longRow);
/** --regroup: statements as MariaDB writes them, one row per line, with now and then an odd line. */
const statement = fc
  .tuple(fc.array(longRow, { minLength: 1, maxLength: 60 }), fc.option(fc.constantFrom(...LINES), { freq: 4 }))
  .map(([rows, odd]) => [
    'INSERT INTO `t` VALUES',
    ...rows.map((r, i) => `${r.replace(/[,;)]*[\r]*$/, ')')}${i === rows.length - 1 ? ';' : ','}`),
    ...(odd === null ? [] : [odd]),
  ]);

/** The pieces, or the error (--regroup refuses rows it cannot parse, the same way on both paths). */
function split(input: Buffer, chunk: number, pieceSize: number, regroup: boolean, compiled: boolean): string[] {
  const sink = new MemorySink();
  const splitter = new Splitter(sink, { pieceSize, regroup, compiled });
  const buf = Buffer.alloc(chunk);
  try {
    for (let i = 0; i < input.length; i += chunk) {
      const n = input.copy(buf, 0, i, i + chunk);
      splitter.push(buf.subarray(0, n));
    }
    splitter.finish();
  } catch (error) {
    return [String(error)];
  }
  return sink.pieces.map((p) => `${p.label}\n${p.data.toString('latin1')}`);
}

describe('RowScanner', () => {
  it.each([false, true])('regroup %s: gives the same pieces as the JavaScript path on arbitrary row-like lines and chunkings', (regroup) => {
    const head = '-- MariaDB dump 10.19\n--\n-- Table structure for table `t`\n--\nDROP TABLE IF EXISTS `t`;\nLOCK TABLES `t` WRITE;\n';
    fc.assert(
      // small targets make many rows cut points, so every path to a cut is taken
      fc.property(
        fc.array(regroup ? statement : line.map((l) => [l]), { minLength: 1, maxLength: regroup ? 20 : 400 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 16, max: 4096 }),
        (parts, chunk, pieceSize) => {
          const input = Buffer.from(`${head}${parts.flat().join('\n')}\n`);
          expect(split(input, chunk, pieceSize, regroup, true)).toEqual(split(input, chunk, pieceSize, regroup, false));
        },
      ),
      { numRuns: 300 },
    );
  });
});
