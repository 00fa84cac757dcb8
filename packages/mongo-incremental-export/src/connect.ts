import { MongoClient } from 'mongodb';
import { ConnectionString, redactConnectionString } from 'mongodb-connection-string-url';
import { ConfigError, ProblemError, UsageError } from '@rclone-b2/core';

export interface MongoTarget {
  url: string;
  /** The database named by the URL's path. */
  dbName: string;
  /** The URL with its password replaced, safe to print. */
  shown: string;
  /** Strings that must never be printed. */
  secrets: string[];
}

/** Parses a mongodb:// or mongodb+srv:// URL; the database must be in its path. */
export function parseMongoUrl(url: string): MongoTarget {
  const shown = redactConnectionString(url, { redactUsernames: false });
  let parsed: ConnectionString;
  try {
    parsed = new ConnectionString(url);
  } catch (error) {
    throw new UsageError(`invalid MongoDB URL ${shown}: ${(error as Error).message}`);
  }
  const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (dbName === '') throw new UsageError(`no database in URL ${shown} (expected mongodb://HOST[:PORT]/DATABASE[?OPTIONS])`);
  if (/[/\\. "$*<>:|?\0]/.test(dbName)) throw new UsageError(`invalid database name "${dbName}" in URL ${shown}`);
  const secrets = [parsed.password, decodeURIComponent(parsed.password)].filter((s) => s.length > 0);
  return { url, dbName, shown, secrets };
}

/** Replaces each secret by `***` (local: core's name is ambiguous while b2 exports one too). */
function hideSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => (secret.length >= 4 ? result.split(secret).join('***') : result), text);
}

export interface ConnectOptions {
  /** serverSelectionTimeoutMS and connectTimeoutMS, unless the URL sets them. */
  timeoutMs: number;
  appName: string;
}

/**
 * Connects and proves the connection works (server reachable, credentials accepted) with
 * a ping on the target database, before anything on disk is touched. Refused credentials
 * are a configuration error (exit 2), an unreachable server a failure (exit 1); the
 * password is redacted either way.
 */
export async function connectTarget(target: MongoTarget, options: ConnectOptions): Promise<MongoClient> {
  const params = new ConnectionString(target.url).searchParams;
  const has = (name: string): boolean => [...params.keys()].some((key) => key.toLowerCase() === name.toLowerCase());
  const client = new MongoClient(target.url, {
    ...(has('serverSelectionTimeoutMS') ? {} : { serverSelectionTimeoutMS: options.timeoutMs }),
    ...(has('connectTimeoutMS') ? {} : { connectTimeoutMS: options.timeoutMs }),
    ...(has('appName') ? {} : { appName: options.appName }),
  });
  try {
    await client.connect();
    await client.db(target.dbName).command({ ping: 1 });
    return client;
  } catch (error) {
    await client.close().catch(() => undefined);
    const message = hideSecrets((error as Error).message, target.secrets);
    const auth = /auth/i.test(message) || (error as { code?: number }).code === 18;
    // Refused credentials, an untrusted certificate or another replica set are configuration
    // (2): the server answered, the URL does not fit it. A server we cannot reach is a failed run (1).
    if (auth) throw new ConfigError(`authentication failed for ${target.shown}: ${message}`);
    const mismatch = settingsMismatch(error);
    if (mismatch) throw new ConfigError(`cannot connect to ${target.shown}: ${mismatch} (${message})`);
    throw new ProblemError(`cannot connect to ${target.shown}: ${message}`);
  }
}

interface SelectionFailure {
  reason?: { servers?: Map<string, { error?: { cause?: { code?: unknown } } | null }> };
}

const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** Why the servers that answered were rejected by the URL's settings, if that is what happened. */
function settingsMismatch(error: unknown): string | undefined {
  const servers = (error as SelectionFailure).reason?.servers;
  if (!servers) return undefined;
  // the driver drops a seed that answers as a member of another replica set (or of none)
  if (servers.size === 0) return "the server is not a member of the URL's replica set";
  const codes = [...servers.values()].map((server) => String(server.error?.cause?.code ?? ''));
  return codes.some((code) => CERTIFICATE_ERROR.test(code)) ? "the server's TLS certificate is not trusted" : undefined;
}
