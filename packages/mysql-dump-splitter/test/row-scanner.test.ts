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
  "/*!40000 ALTER TABLE `t` DISABLE KEYS */;",
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

function split(input: Buffer, chunk: number, pieceSize: number, compiled: boolean): string[] {
  const sink = new MemorySink();
  const splitter = new Splitter(sink, { pieceSize, regroup: false, compiled });
  const buf = Buffer.alloc(chunk);
  for (let i = 0; i < input.length; i += chunk) {
    const n = input.copy(buf, 0, i, i + chunk);
    splitter.push(buf.subarray(0, n));
  }
  splitter.finish();
  return sink.pieces.map((p) => `${p.label}\n${p.data.toString('latin1')}`);
}

describe('RowScanner', () => {
  it('gives the same pieces as the JavaScript path on arbitrary row-like lines and chunkings', () => {
    const head = '-- MariaDB dump 10.19\n--\n-- Table structure for table `t`\n--\nDROP TABLE IF EXISTS `t`;\nLOCK TABLES `t` WRITE;\n';
    fc.assert(
      // small targets make many rows cut points, so every path to a cut is taken
      fc.property(fc.array(line, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 16, max: 4096 }), (lines, chunk, pieceSize) => {
        const input = Buffer.from(`${head}${lines.join('\n')}\n`);
        expect(split(input, chunk, pieceSize, true)).toEqual(split(input, chunk, pieceSize, false));
      }),
      { numRuns: 300 },
    );
  });
});
