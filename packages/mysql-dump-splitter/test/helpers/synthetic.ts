// Small mysqldump-shaped texts for unit tests, in the three INSERT styles mysqldump writes.
import type { PieceSink } from '../../src/piece-sink.js';

export type InsertStyle = 'skip' | 'mariadb' | 'mysql';

export interface TableSpec {
  name: string;
  rows: string[];
}

export function row(id: number, text = `name ${id}`): string {
  return `(${id},'${text.replace(/'/g, "\\'")}','${'x'.repeat(20 + (id % 50))}',${id * 3}.5)`;
}

export function makeDump(tables: readonly TableSpec[], style: InsertStyle, perStatement = 50): string {
  let out = '-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n--\n-- Host: localhost    Database: shop\n';
  out += '-- ------------------------------------------------------\n\n/*!40101 SET NAMES utf8mb4 */;\n/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n';
  for (const t of tables) {
    const id = `\`${t.name.replace(/`/g, '``')}\``;
    out += `\n--\n-- Table structure for table ${id}\n--\n\nDROP TABLE IF EXISTS ${id};\nCREATE TABLE ${id} (\n  \`id\` int(11) NOT NULL\n) ENGINE=InnoDB;\n`;
    out += `\n--\n-- Dumping data for table ${id}\n--\n\nLOCK TABLES ${id} WRITE;\n/*!40000 ALTER TABLE ${id} DISABLE KEYS */;\n`;
    if (style === 'skip') for (const r of t.rows) out += `INSERT INTO ${id} VALUES ${r};\n`;
    for (let i = 0; style !== 'skip' && i < t.rows.length; i += perStatement) {
      const group = t.rows.slice(i, i + perStatement);
      out += style === 'mariadb' ? `INSERT INTO ${id} VALUES\n${group.join(',\n')};\n` : `INSERT INTO ${id} VALUES ${group.join(',')};\n`;
    }
    out += `/*!40000 ALTER TABLE ${id} ENABLE KEYS */;\nUNLOCK TABLES;\n`;
  }
  out += '/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n\n/*!40101 SET NAMES utf8 */;\n\n-- Dump completed on 2026-01-01 10:00:00\n';
  return out;
}

export interface MemoryPiece {
  label: string;
  data: Buffer;
}

export class MemorySink implements PieceSink {
  pieces: MemoryPiece[] = [];
  private label = '';
  private parts: Buffer[] = [];
  start(label: string): void {
    this.label = label;
    this.parts = [];
  }
  write(chunk: Buffer): void {
    this.parts.push(Buffer.from(chunk));
  }
  end(): void {
    const data = Buffer.concat(this.parts);
    if (data.length > 0) this.pieces.push({ label: this.label, data });
    this.parts = [];
  }
}
