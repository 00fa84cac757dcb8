import type { Writable } from 'node:stream';
import type { Connection, FieldPacket, RowDataPacket } from 'mysql2';
import { writeWithBackpressure } from '@rclone-b2/core';
import { quoteIdent, quoteString, sqlLiteral, styleOf, type ValueStyle } from './sql-value.js';

// --dump: reads the databases through one connection inside one consistent snapshot
// (REPEATABLE READ + START TRANSACTION WITH CONSISTENT SNAPSHOT, as mysqldump
// --single-transaction does) and writes mysqldump-shaped SQL, one row per INSERT, which the
// splitter then regroups by content. Rows stream with back-pressure; ordered by primary key.

type Row = Record<string, unknown>;

const HEADER_SETS = [
  '/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;',
  '/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;',
  '/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;',
  '/*!40101 SET NAMES utf8mb4 */;',
  '/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;',
  "/*!40103 SET TIME_ZONE='+00:00' */;",
  '/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;',
  '/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;',
  "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;",
  '/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;',
];
const FOOTER_SETS = [
  '/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;',
  '',
  '/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;',
  '/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;',
  '/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;',
  '/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;',
  '/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;',
  '/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;',
  '/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;',
];

function comment(title: string): string {
  return `\n--\n-- ${title}\n--\n\n`;
}

export class MysqlDumper {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly conn: Connection,
    private readonly out: Writable,
  ) {}

  private async query<T extends Row = Row>(sql: string, values: unknown[] = []): Promise<T[]> {
    const [rows] = await this.conn.promise().query<(T & RowDataPacket)[]>(sql, values);
    return rows;
  }

  private async write(text: string | Buffer): Promise<void> {
    const buf = typeof text === 'string' ? Buffer.from(text) : text;
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= 64 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await writeWithBackpressure(this.out, chunk);
  }

  async dump(databases: readonly string[]): Promise<void> {
    await this.query("SET SESSION time_zone = '+00:00'");
    await this.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await this.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    const [version] = await this.query<{ v: string }>('SELECT VERSION() AS v');
    await this.write(`-- MariaDB dump written by mysql-dump-splitter --dump\n--\n-- Database: ${databases.join(' ')}\n`);
    await this.write(`-- ------------------------------------------------------\n-- Server version\t${version?.v ?? ''}\n\n${HEADER_SETS.join('\n')}\n`);
    const views: Array<[string, string]> = [];
    for (const db of databases) {
      const [create] = await this.query<{ 'Create Database': string }>(`SHOW CREATE DATABASE ${quoteIdent(db)}`);
      const createSql = (create?.['Create Database'] ?? '').replace(/^CREATE DATABASE /, 'CREATE DATABASE /*!32312 IF NOT EXISTS*/ ');
      await this.write(`${comment(`Current Database: ${quoteIdent(db)}`)}${createSql};\n\nUSE ${quoteIdent(db)};\n`);
      const tables = await this.query<{ name: string; type: string }>(
        'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY BINARY TABLE_NAME',
        [db],
      );
      for (const { name, type } of tables) {
        if (type === 'VIEW') {
          await this.viewPlaceholder(db, name);
          views.push([db, name]);
        } else if (type === 'SEQUENCE') {
          continue; // not supported by --dump (see README)
        } else {
          await this.table(db, name);
        }
      }
      await this.routines(db);
    }
    for (const db of new Set(views.map(([d]) => d))) {
      await this.write(`${comment(`Current Database: ${quoteIdent(db)}`)}USE ${quoteIdent(db)};\n`);
      for (const [, name] of views.filter(([d]) => d === db)) await this.finalView(db, name);
    }
    await this.query('COMMIT');
    await this.write(`${FOOTER_SETS.join('\n')}\n\n-- Dump completed\n`);
    await this.flush();
  }

  private async table(db: string, name: string): Promise<void> {
    const id = quoteIdent(name);
    const [create] = await this.query<{ 'Create Table': string }>(`SHOW CREATE TABLE ${quoteIdent(db)}.${id}`);
    await this.write(`${comment(`Table structure for table ${id}`)}DROP TABLE IF EXISTS ${id};\n`);
    await this.write('/*!40101 SET @saved_cs_client     = @@character_set_client */;\n/*!40101 SET character_set_client = utf8mb4 */;\n');
    await this.write(`${create?.['Create Table'] ?? ''};\n/*!40101 SET character_set_client = @saved_cs_client */;\n`);
    await this.write(`${comment(`Dumping data for table ${id}`)}LOCK TABLES ${id} WRITE;\n/*!40000 ALTER TABLE ${id} DISABLE KEYS */;\n`);
    await this.rows(db, name);
    await this.write(`/*!40000 ALTER TABLE ${id} ENABLE KEYS */;\nUNLOCK TABLES;\n`);
    await this.triggers(db, name);
  }

  private async rows(db: string, name: string): Promise<void> {
    const columns = await this.query<{ name: string; type: string; extra: string }>(
      'SELECT COLUMN_NAME AS name, DATA_TYPE AS type, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [db, name],
    );
    const stored = columns.filter((c) => !/VIRTUAL|STORED|PERSISTENT/i.test(c.extra));
    if (stored.length === 0) return;
    const styles: ValueStyle[] = stored.map((c) => styleOf(c.type));
    const pk = await this.query<{ name: string }>(
      "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
      [db, name],
    );
    const list = stored.map((c) => quoteIdent(c.name)).join(',');
    const order = pk.length ? ` ORDER BY ${pk.map((c) => quoteIdent(c.name)).join(',')}` : '';
    const prefix = Buffer.from(
      `INSERT INTO ${quoteIdent(name)}${stored.length < columns.length ? ` (${list})` : ''} VALUES (`,
    );
    const stream = this.conn
      .query({
        sql: `SELECT ${list} FROM ${quoteIdent(db)}.${quoteIdent(name)}${order}`,
        rowsAsArray: true,
        typeCast: (field: { buffer(): Buffer | null }) => field.buffer(),
      })
      .stream({ highWaterMark: 256 });
    const close = Buffer.from(');\n');
    const comma = Buffer.from(',');
    for await (const row of stream as AsyncIterable<Array<Buffer | null>>) {
      const parts: Buffer[] = [prefix];
      row.forEach((value, i) => {
        if (i > 0) parts.push(comma);
        parts.push(sqlLiteral(value, styles[i] as ValueStyle));
      });
      parts.push(close);
      await this.write(Buffer.concat(parts));
    }
  }

  private async triggers(db: string, table: string): Promise<void> {
    const triggers = await this.query<{ Trigger: string }>(`SHOW TRIGGERS FROM ${quoteIdent(db)} WHERE \`Table\` = ?`, [table]);
    for (const { Trigger: name } of triggers) {
      const [t] = await this.query<{ 'SQL Original Statement': string; sql_mode: string }>(`SHOW CREATE TRIGGER ${quoteIdent(db)}.${quoteIdent(name)}`);
      if (!t) continue;
      await this.write(`/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;\n/*!50003 SET sql_mode              = ${quoteString(t.sql_mode)} */ ;\n`);
      await this.write(`DELIMITER ;;\n${t['SQL Original Statement']} ;;\nDELIMITER ;\n/*!50003 SET sql_mode              = @saved_sql_mode */ ;\n`);
    }
  }

  private async routines(db: string): Promise<void> {
    const found: Array<[string, string]> = [];
    for (const kind of ['FUNCTION', 'PROCEDURE']) {
      const rows = await this.query<{ Name: string }>(`SHOW ${kind} STATUS WHERE Db = ?`, [db]);
      for (const { Name } of [...rows].sort((a, b) => (a.Name < b.Name ? -1 : 1))) found.push([kind, Name]);
    }
    if (found.length === 0) return;
    await this.write(comment(`Dumping routines for database ${quoteString(db)}`).replace(/\n$/, ''));
    for (const [kind, name] of found) {
      const field = kind === 'FUNCTION' ? 'Create Function' : 'Create Procedure';
      const [r] = await this.query<Row>(`SHOW CREATE ${kind} ${quoteIdent(db)}.${quoteIdent(name)}`);
      if (!r) continue;
      await this.write(`/*!50003 DROP ${kind} IF EXISTS ${quoteIdent(name)} */;\n`);
      await this.write(`/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;\n/*!50003 SET sql_mode              = ${quoteString(String(r.sql_mode))} */ ;\n`);
      await this.write(`DELIMITER ;;\n${String(r[field])}\n;;\nDELIMITER ;\n/*!50003 SET sql_mode              = @saved_sql_mode */ ;\n`);
    }
  }

  private async viewPlaceholder(db: string, name: string): Promise<void> {
    const columns = await this.query<{ name: string }>(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [db, name],
    );
    const id = quoteIdent(name);
    const cols = columns.map((c) => ` 1 AS ${quoteIdent(c.name)}`).join(',\n');
    await this.write(`${comment(`Temporary table structure for view ${id}`)}DROP TABLE IF EXISTS ${id};\n/*!50001 DROP VIEW IF EXISTS ${id}*/;\n`);
    await this.write(`/*!50001 CREATE VIEW ${id} AS SELECT\n${cols} */;\n`);
  }

  private async finalView(db: string, name: string): Promise<void> {
    const [v] = await this.query<{ 'Create View': string }>(`SHOW CREATE VIEW ${quoteIdent(db)}.${quoteIdent(name)}`);
    const id = quoteIdent(name);
    await this.write(`${comment(`Final view structure for view ${id}`)}/*!50001 DROP VIEW IF EXISTS ${id}*/;\n`);
    await this.write(`/*!50001 ${v?.['Create View'] ?? ''} */;\n`);
  }
}

export type { FieldPacket };
