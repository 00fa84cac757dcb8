/**
 * Where the integration tests run: the in-suite wire-protocol server, or a real MongoDB
 * when MONGODB_URL is set (e.g. MONGODB_URL=mongodb://localhost:27017). Each test uses
 * its own database and drops it afterwards. Set-up goes through the real driver.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { ConnectionString } from 'mongodb-connection-string-url';
import { rawToMap } from '../../src/raw-to-map.js';
import { startWireServer, type WireServer, type WireServerOptions } from './wire-server.js';

export interface Target {
  real: boolean;
  server?: WireServer;
  client: MongoClient;
  /** A URL naming database `db`. */
  url(db: string): string;
  newDbName(): string;
  seed(db: string, collection: string, docs: Buffer[]): Promise<void>;
  replace(db: string, collection: string, id: unknown, doc: Buffer): Promise<void>;
  remove(db: string, collection: string, id: unknown): Promise<void>;
  rawDocuments(db: string, collection: string): Promise<Buffer[]>;
  dropDatabase(db: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTarget(options: WireServerOptions = {}): Promise<Target> {
  const external = process.env.MONGODB_URL;
  let server: WireServer | undefined;
  let url: (db: string) => string;
  if (external) {
    url = (db) => {
      const cs = new ConnectionString(external);
      // Credentials are checked against the URL's database unless authSource says otherwise.
      if (cs.username && !cs.searchParams.has('authSource')) cs.searchParams.set('authSource', cs.pathname.slice(1) || 'admin');
      cs.pathname = `/${db}`;
      return cs.toString();
    };
  } else {
    server = await startWireServer(options);
    url = (db) => server!.url(db, 'serverSelectionTimeoutMS=5000');
  }
  const client = new MongoClient(url('admin'));
  await client.connect();
  return {
    real: Boolean(external),
    ...(server ? { server } : {}),
    client,
    url,
    newDbName: () => `mie_${randomBytes(4).toString('hex')}`,
    seed: async (db, collection, docs) => {
      for (let i = 0; i < docs.length; i += 1000) {
        await client.db(db).collection(collection).insertMany(docs.slice(i, i + 1000).map(rawToMap), { forceServerObjectId: true });
      }
    },
    replace: async (db, collection, id, doc) => {
      await client.db(db).collection(collection).replaceOne({ _id: id } as never, rawToMap(doc) as never);
    },
    remove: async (db, collection, id) => {
      await client.db(db).collection(collection).deleteOne({ _id: id } as never);
    },
    rawDocuments: async (db, collection) => {
      const raws = await client.db(db).collection(collection).find({}, { raw: true }).toArray();
      return (raws as unknown as Uint8Array[]).map((b) => Buffer.from(b)).sort(Buffer.compare);
    },
    dropDatabase: async (db) => {
      await client.db(db).dropDatabase();
    },
    close: async () => {
      await client.close();
      await server?.close();
    },
  };
}
