// A realistic mysqldump for the mysql-dump-splitter bench: 300 tables of Zipf-like sizes
// (a few big, a long tail of small and empty ones), five row shapes (narrow numeric rows,
// orders-like rows, text with escapes, hex blobs, wide JSON-ish rows), triggers in DELIMITER
// blocks, views and routines, in mysqldump's two styles: 'skip' (--skip-extended-insert,
// one row per INSERT) and 'ext' (extended INSERTs as MariaDB 10.11 writes them: statements
// of about net_buffer_length, one row per line). Seeded: the same arguments give the same bytes.
// An edit ('change' a row longer, 'insert' one row) lands in the middle of the biggest table.
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { seededRandom } from '../packages/core/dist/random/seeded-random.js';

const MB = 1024 * 1024;
export const TABLES = 300;


const WORDS = [
  'alpha',
  'Zoë',
  'José',
  '李雷',
  "O\\'Brien",
  'Émilie',
  'line\\nbreak',
  'tab\\there',
  'quote \\"x\\"',
  'back\\\\slash',
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
];
const STATUS = ['new', 'paid', 'shipped', 'cancelled', 'refunded'];
const pad = (n) => (n < 10 ? `0${n}` : `${n}`);
const date = (k) => `20${pad(15 + (k % 11))}-${pad(1 + (k % 12))}-${pad(1 + (k % 28))} ${pad(k % 24)}:${pad((k * 7) % 60)}:${pad((k * 13) % 60)}`;

/** Row bodies (everything after the primary key) by shape; `r` is the table's generator. */
const SHAPES = [
  (id, r) => `${Math.floor(r() * 1e6)},${Math.floor(r() * 100)},'${date(id)}')`,
  (id, r) => `${Math.floor(r() * 1e5)},'${WORDS[id % WORDS.length]}','${date(id)}',${(Math.floor(r() * 1e7) / 100).toFixed(2)},'${STATUS[id % 5]}',NULL)`,
  (id, r) => {
    let text = '';
    const words = 8 + Math.floor(r() * 60);
    for (let i = 0; i < words; i += 1) text += `${WORDS[Math.floor(r() * WORDS.length)]} `;
    return `'${date(id)}','${text}',${r() < 0.3 ? 'NULL' : `'${STATUS[id % 5]}'`})`;
  },
  (id, r) => {
    let hex = '';
    const n = 16 + Math.floor(r() * 120);
    for (let i = 0; i < n; i += 1) hex += (Math.floor(r() * 256) + 256).toString(16).slice(1);
    return `0x${hex},${Math.floor(r() * 1e9)})`;
  },
  (id, r) =>
    `'{\\"user\\":${Math.floor(r() * 1e6)},\\"tags\\":[\\"${WORDS[id % WORDS.length]}\\",\\"${STATUS[id % 5]}\\"],\\"n\\":${r().toFixed(6)}}','${date(id)}','${date(id + 7)}',${Math.floor(r() * 2)},${Math.floor(r() * 1e4)},'${'x'.repeat(Math.floor(r() * 200))}')`,
];
/** Distinct bodies per table (a prime, so they do not line up with anything); a row is its id and one of them. */
const BODIES = 1009;

export function header() {
  return `/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost    Database: shop\n-- ------------------------------------------------------\n-- Server version\t10.11.19-MariaDB-0+deb12u1\n\n/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8mb4 */;\n/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n/*!40103 SET TIME_ZONE='+00:00' */;\n/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n`;
}

function tableStart(name, autoIncrement) {
  return `\n--\n-- Table structure for table \`${name}\`\n--\n\nDROP TABLE IF EXISTS \`${name}\`;\n/*!40101 SET @saved_cs_client     = @@character_set_client */;\n/*!40101 SET character_set_client = utf8mb4 */;\nCREATE TABLE \`${name}\` (\n  \`id\` bigint(20) NOT NULL AUTO_INCREMENT,\n  \`payload\` text DEFAULT NULL,\n  PRIMARY KEY (\`id\`)\n) ENGINE=InnoDB AUTO_INCREMENT=${autoIncrement} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n/*!40101 SET character_set_client = @saved_cs_client */;\n\n--\n-- Dumping data for table \`${name}\`\n--\n\nLOCK TABLES \`${name}\` WRITE;\n/*!40000 ALTER TABLE \`${name}\` DISABLE KEYS */;\n`;
}

function tableEnd(name, trigger) {
  let text = `/*!40000 ALTER TABLE \`${name}\` ENABLE KEYS */;\nUNLOCK TABLES;\n`;
  if (trigger) {
    text += `/*!50003 SET @saved_cs_client      = @@character_set_client */ ;\nDELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=\`root\`@\`localhost\`*/ /*!50003 TRIGGER \`${name}_bi\` BEFORE INSERT ON \`${name}\` FOR EACH ROW BEGIN\n  INSERT INTO audit VALUES (NEW.id);\n  SET NEW.payload = CONCAT('(', NEW.payload, ');');\nEND */;;\nDELIMITER ;\n/*!50003 SET character_set_client  = @saved_cs_client */ ;\n`;
  }
  return text;
}

const FOOTER = `\n--\n-- Dumping routines for database 'shop'\n--\nDELIMITER ;;\nCREATE DEFINER=\`root\`@\`localhost\` PROCEDURE \`touch\`()\nBEGIN\n  UPDATE t000 SET id = id;\nEND ;;\nDELIMITER ;\n\n--\n-- Final view structure for view \`v_orders\`\n--\n\n/*!50001 DROP VIEW IF EXISTS \`v_orders\`*/;\n/*!50001 CREATE VIEW \`v_orders\` AS select 1 AS \`x\` */;\n/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n\n/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n\n-- Dump completed on 2026-01-01 10:00:00\n`;

/**
 * Writes the dump of about sizeMB to file (skipped when it exists) and returns its size.
 * mode: 'none', 'change' (one row of the biggest table made longer) or 'insert' (one row added).
 */
export function generate(file, sizeMB, style, mode = 'none') {
  if (existsSync(file)) return statSync(file).size;
  const weights = Array.from({ length: TABLES }, (_, i) => (i % 7 === 6 ? 0 : 1 / (i + 1) ** 1.1));
  const sum = weights.reduce((a, b) => a + b, 0);
  const budget = sizeMB * MB - 200 * 1024;
  const fd = openSync(`${file}.part`, 'w');
  const parts = [];
  let bytes = 0;
  let total = 0;
  const put = (text) => {
    parts.push(text);
    bytes += text.length;
    if (bytes > 4 * MB) flush();
  };
  const flush = () => {
    const buf = Buffer.from(parts.join(''));
    writeSync(fd, buf);
    total += buf.length;
    parts.length = 0;
    bytes = 0;
  };
  put(header());
  for (let t = 0; t < TABLES; t += 1) {
    const name = `t${String(t).padStart(3, '0')}`;
    const shape = SHAPES[(t * 3 + 1) % SHAPES.length];
    const r = seededRandom(t + 1);
    const bodies = Array.from({ length: BODIES }, (_, k) => shape(k, r));
    const tableBytes = (budget * (weights[t] ?? 0)) / sum;
    // the edit: the middle row of the biggest table (t000)
    const middle = t === 0 ? Math.floor(tableBytes / 2) : -1;
    let done = 0;
    let edited = false;
    const rows = [];
    for (let id = 1; done < tableBytes; id += 1) {
      let row = `(${id},${bodies[id % BODIES]}`;
      if (!edited && middle >= 0 && done >= middle) {
        edited = true;
        if (mode === 'change') row = row.replace(/^\((\d+),/, "($1,'this row was changed, and is now longer',");
        if (mode === 'insert') rows.push(`(9000000001,${bodies[0]}`);
      }
      rows.push(row);
      done += row.length + (style === 'skip' ? name.length + 24 : 2);
    }
    put(tableStart(name, rows.length + 1));
    if (style === 'skip') {
      for (const row of rows) put(`INSERT INTO \`${name}\` VALUES ${row};\n`);
    } else {
      let statement = 0;
      for (let i = 0; i < rows.length; i += 1) {
        const row = rows[i];
        if (statement === 0) put(`INSERT INTO \`${name}\` VALUES\n`);
        statement += row.length + 2;
        const last = i === rows.length - 1 || statement > 1_000_000;
        put(`${row}${last ? ';\n' : ',\n'}`);
        if (last) statement = 0;
      }
    }
    put(tableEnd(name, t % 10 === 3));
  }
  put(FOOTER);
  flush();
  closeSync(fd);
  renameSync(`${file}.part`, file);
  return total;
}
