import { PassThrough } from 'node:stream';
import { ConfigError, ExitCode, ProblemError, ToolError } from '@rclone-b2/core';
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
  // an 'error' event without a listener would crash the process after we have reported it
  conn.on('error', () => undefined);
  try {
    await conn.promise().connect();
  } catch (error) {
    conn.destroy();
    throw connectError(error, connection.socket ?? `${connection.host ?? 'localhost'}:${connection.port ?? 3306}`);
  }
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

const ACCESS_DENIED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_NOT_SUPPORTED_AUTH_MODE']);

/** Refused credentials are a configuration error (2); a server that cannot be reached is a failure (1). */
function connectError(error: unknown, address: string): ToolError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && ACCESS_DENIED.has(code)) return new ConfigError(`the MySQL server at ${address} refused the login: ${message}`, undefined, { cause: error });
  return new ProblemError(`cannot connect to the MySQL server at ${address}: ${message}`, { cause: error });
}
