import { PassThrough } from 'node:stream';
import { ExitCode, ToolError } from '@rclone-b2/core';
import { splitDump, type SplitOptions, type SplitSummary } from '../split.js';
import { MysqlDumper } from './mysql-dumper.js';

export interface ConnectionOptions {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  socket?: string;
}

/** --dump: reads the databases with mysql2 and splits what it reads, without mysqldump. */
export async function dumpAndSplit(connection: ConnectionOptions, databases: readonly string[], options: SplitOptions): Promise<SplitSummary> {
  if (databases.length === 0) throw new ToolError('--dump needs at least one database name', ExitCode.Usage);
  // mysql2 is loaded only for --dump (start-up time of the other modes).
  const { default: mysql } = await import('mysql2');
  const conn = mysql.createConnection({
    host: connection.host ?? 'localhost',
    port: connection.port ?? 3306,
    user: connection.user ?? 'root',
    password: connection.password,
    socketPath: connection.socket,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const sql = new PassThrough({ highWaterMark: 1 << 20 });
  const dumper = new MysqlDumper(conn, sql);
  const dumping = dumper.dump(databases).then(
    () => sql.end(),
    (error: unknown) => {
      sql.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    },
  );
  try {
    const [summary] = await Promise.all([splitDump(sql, options), dumping]);
    return summary;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ToolError) throw error;
    throw new ToolError(`--dump: ${message}`, ExitCode.Problem, { cause: error });
  } finally {
    conn.destroy();
  }
}
