/**
 * A MongoDB wire-protocol test server: real TCP on 127.0.0.1, OP_MSG (and OP_QUERY for the
 * driver's first handshake), documents held in memory as the raw BSON bytes clients sent.
 * It implements what the official driver sends for mongo-incremental-export/-import and
 * for the tests' set-up: hello/isMaster, ping, buildInfo, listDatabases, listCollections,
 * find/getMore/killCursors (with batching), insert, update (replacement by _id), delete,
 * create (with options; views and time-series are listed as such, a view's find and
 * listIndexes fail as mongod's listIndexes does), drop, dropDatabase, listIndexes/createIndexes (definitions only),
 * endSessions, and saslStart/saslContinue (SCRAM-SHA-256 for the users it is given; every
 * login refused with refuseAuth, to test failed authentication).
 * Filters: {} or {_id: value}. Optionally a one-member replica set (setName in hello) and TLS.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { BSON, Binary, Long, ObjectId } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

type Doc = Record<string, unknown>;
type Collection = Map<string, Buffer>;
interface CollectionInfo { options: Doc; indexes: Doc[] }
const ID_INDEX: Doc = { v: 2, key: { _id: 1 }, name: '_id_' };

interface Cursor { ns: string; docs: Buffer[]; pos: number }

export interface WireServerOptions {
  /** Called before each getMore is answered (tests use it to pause an export midway). */
  beforeGetMore?: () => Promise<void>;
  /** Report that authentication is required and refuse every saslStart. */
  refuseAuth?: boolean;
  /** Accept SCRAM-SHA-256 logins of these users (name → ASCII password); others are refused. */
  users?: Record<string, string>;
  /** Act as the primary of a one-member replica set of this name. */
  replicaSet?: string;
  /** Speak TLS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export interface WireServer {
  port: number;
  /** A URL for database `db` (extra query options appended). */
  url(db: string, query?: string): string;
  /** Raw documents of a collection, in natural order. */
  documents(db: string, collection: string): Buffer[];
  /** Stores raw documents directly, bypassing the driver (for types it cannot write). */
  insertRaw(db: string, collection: string, docs: Buffer[]): void;
  /** How many times each command was received. */
  commandCounts: Map<string, number>;
  close(): Promise<void>;
}

const DESERIALIZE = { promoteValues: false, promoteLongs: false, bsonRegExp: true } as const;

function element(name: string, value: unknown): Buffer {
  const doc = BSON.serialize({ [name]: value });
  return Buffer.from(doc.subarray(4, doc.length - 1));
}

function document(parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(body.length + 5);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

function rawElement(type: number, name: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), Buffer.from(name, 'utf8'), Buffer.from([0]), value]);
}

function rawArray(docs: Buffer[]): Buffer {
  return document(docs.map((doc, index) => rawElement(0x03, String(index), doc)));
}

/** The canonical key of an _id value: its BSON encoding as {_id: value}. */
function idKeyOf(value: unknown): string {
  return Buffer.from(BSON.serialize({ _id: value })).toString('hex');
}

function idOfRaw(raw: Buffer): unknown {
  return BSON.deserialize(raw, DESERIALIZE)._id;
}

export async function startWireServer(options: WireServerOptions = {}): Promise<WireServer> {
  const databases = new Map<string, Map<string, Collection>>();
  const cursors = new Map<string, Cursor>();
  const infos = new Map<string, CollectionInfo>();
  const isView = (db: string, name: string): boolean => infos.get(`${db}.${name}`)?.options.viewOn !== undefined;
  const info = (db: string, name: string): CollectionInfo => {
    const key = `${db}.${name}`;
    let found = infos.get(key);
    if (!found) infos.set(key, (found = { options: {}, indexes: [ID_INDEX] }));
    return found;
  };
  const commandCounts = new Map<string, number>();
  let nextCursor = 1n;
  let nextConnection = 1;
  const sockets = new Set<Socket>();

  const database = (name: string): Map<string, Collection> => {
    let db = databases.get(name);
    if (!db) databases.set(name, (db = new Map()));
    return db;
  };
  const collection = (db: string, name: string, create: boolean): Collection | undefined => {
    const colls = create ? database(db) : databases.get(db);
    let coll = colls?.get(name);
    if (!coll && create && colls) colls.set(name, (coll = new Map()));
    return coll;
  };
  const matching = (coll: Collection | undefined, filter: Doc | undefined): Buffer[] => {
    if (!coll) return [];
    const keys = Object.keys(filter ?? {});
    if (keys.length === 0) return [...coll.values()];
    if (keys.length === 1 && keys[0] === '_id') {
      const doc = coll.get(idKeyOf(filter!._id));
      return doc ? [doc] : [];
    }
    throw new Error(`test server supports only {} and {_id: value} filters, got ${JSON.stringify(filter)}`);
  };

  const hello = (cmd: Doc, connectionId: number): Buffer => {
    const reply: Doc = {
      helloOk: true, ismaster: true, isWritablePrimary: true,
      maxBsonObjectSize: 16 * 1024 * 1024, maxMessageSizeBytes: 48_000_000, maxWriteBatchSize: 100_000,
      localTime: new Date(), logicalSessionTimeoutMinutes: 30, connectionId,
      minWireVersion: 0, maxWireVersion: 21, readOnly: false, ok: 1,
    };
    if ((options.refuseAuth || options.users) && cmd.saslSupportedMechs) reply.saslSupportedMechs = ['SCRAM-SHA-256'];
    if (options.replicaSet) {
      const me = `127.0.0.1:${port}`;
      Object.assign(reply, { setName: options.replicaSet, setVersion: 1, hosts: [me], primary: me, me, secondary: false });
    }
    return Buffer.from(BSON.serialize(reply));
  };

  const cursorReply = (ns: string, id: bigint, batchName: string, docs: Buffer[]): Buffer =>
    document([
      rawElement(0x03, 'cursor', document([element('id', Long.fromBigInt(id)), element('ns', ns), rawElement(0x04, batchName, rawArray(docs))])),
      element('ok', 1),
    ]);

  const takeBatch = (cursor: Cursor, limit: number): Buffer[] => {
    const out: Buffer[] = [];
    let bytes = 0;
    while (cursor.pos < cursor.docs.length && out.length < limit) {
      const doc = cursor.docs[cursor.pos]!;
      if (out.length > 0 && bytes + doc.length > MAX_BATCH_BYTES) break;
      out.push(doc);
      bytes += doc.length;
      cursor.pos += 1;
    }
    return out;
  };

  const num = (value: unknown): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return value;
    if (typeof value === 'object' && 'valueOf' in value) return Number((value as { valueOf(): unknown }).valueOf());
    return Number(value);
  };

  // SCRAM-SHA-256 (RFC 5802/7677), just enough for the driver's login.
  const conversations = new Map<number, { user: string; clientFirstBare: string; serverFirst: string; nonce: string; salt: Buffer }>();
  const bytesOf = (payload: unknown): string => {
    const binary = payload as { buffer: Uint8Array; position: number };
    return Buffer.from(binary.buffer.subarray(0, binary.position)).toString('utf8');
  };
  const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
  const scramStart = (cmd: Doc, connectionId: number): Buffer => {
    const clientFirst = bytesOf(cmd.payload);
    const clientFirstBare = clientFirst.replace(/^n,,/, '');
    const fields = Object.fromEntries(clientFirstBare.split(',').map((kv) => [kv[0], kv.slice(2)]));
    const nonce = `${fields.r}${randomBytes(18).toString('base64')}`;
    const salt = randomBytes(16);
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=4096`;
    conversations.set(connectionId, { user: String(fields.n), clientFirstBare, serverFirst, nonce, salt });
    return ok({ conversationId: 1, done: false, payload: new Binary(Buffer.from(serverFirst)) });
  };
  const scramFinish = (cmd: Doc, connectionId: number): Buffer => {
    const state = conversations.get(connectionId);
    conversations.delete(connectionId);
    const password = state ? options.users?.[state.user] : undefined;
    const clientFinal = bytesOf(cmd.payload);
    const withoutProof = clientFinal.replace(/,p=[^,]*$/, '');
    const proof = Buffer.from(/,p=([^,]*)$/.exec(clientFinal)?.[1] ?? '', 'base64');
    if (!state || password === undefined || !withoutProof.endsWith(`r=${state.nonce}`)) return fail(18, 'AuthenticationFailed', 'Authentication failed.');
    const salted = pbkdf2Sync(password, state.salt, 4096, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const authMessage = `${state.clientFirstBare},${state.serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const expected = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
    if (!expected.equals(proof)) return fail(18, 'AuthenticationFailed', 'Authentication failed.');
    const serverSignature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
    return ok({ conversationId: 1, done: true, payload: new Binary(Buffer.from(`v=${serverSignature}`)) });
  };

  const ok = (extra: Doc = {}): Buffer => Buffer.from(BSON.serialize({ ...extra, ok: 1 }));
  const fail = (code: number, codeName: string, errmsg: string): Buffer => Buffer.from(BSON.serialize({ ok: 0, code, codeName, errmsg }));

  const run = async (body: Buffer, sequences: Map<string, Buffer[]>, connectionId: number): Promise<Buffer> => {
    const cmd = BSON.deserialize(body, { ...DESERIALIZE, fieldsAsRaw: { documents: true, updates: true, deletes: true } }) as Doc;
    const name = Object.keys(cmd)[0] ?? '';
    commandCounts.set(name, (commandCounts.get(name) ?? 0) + 1);
    const dbName = String(cmd.$db ?? 'admin');
    const raws = (field: string): Buffer[] => [
      ...((cmd[field] as Uint8Array[] | undefined) ?? []).map((b) => Buffer.from(b)),
      ...(sequences.get(field) ?? []),
    ];
    switch (name) {
      case 'hello': case 'isMaster': case 'ismaster':
        return hello(cmd, connectionId);
      case 'ping': case 'endSessions': case 'killAllSessions':
        return ok();
      case 'buildInfo': case 'buildinfo':
        return ok({ version: '7.0.0', versionArray: [7, 0, 0, 0], maxBsonObjectSize: 16 * 1024 * 1024 });
      case 'saslStart':
        return options.users ? scramStart(cmd, connectionId) : fail(18, 'AuthenticationFailed', 'Authentication failed.');
      case 'saslContinue':
        return options.users ? scramFinish(cmd, connectionId) : fail(18, 'AuthenticationFailed', 'Authentication failed.');
      case 'authenticate':
        return fail(18, 'AuthenticationFailed', 'Authentication failed.');
      case 'listDatabases':
        return ok({ databases: [...databases.keys()].map((n) => ({ name: n, sizeOnDisk: 0, empty: false })), totalSize: 0 });
      case 'listCollections': {
        const filter = (cmd.filter ?? {}) as Doc;
        const names = [...(databases.get(dbName)?.keys() ?? [])].filter((n) => filter.name === undefined || filter.name === n);
        // As mongod: views and time-series collections say so in `type` (and have no idIndex).
        const list = names.map((n) => {
          const { options: collOptions } = info(dbName, n);
          const type = collOptions.viewOn !== undefined ? 'view' : collOptions.timeseries !== undefined ? 'timeseries' : 'collection';
          return Buffer.from(BSON.serialize({ name: n, type, options: collOptions, info: { readOnly: type === 'view' }, ...(type === 'collection' ? { idIndex: ID_INDEX } : {}) }));
        });
        return cursorReply(`${dbName}.$cmd.listCollections`, 0n, 'firstBatch', list);
      }
      case 'listIndexes': {
        const collName = String(cmd.listIndexes);
        if (!databases.get(dbName)?.has(collName)) return fail(26, 'NamespaceNotFound', `ns does not exist: ${dbName}.${collName}`);
        if (isView(dbName, collName)) return fail(166, 'CommandNotSupportedOnView', `Namespace ${dbName}.${collName} is a view, not a collection`);
        const list = info(dbName, collName).indexes.map((spec) => Buffer.from(BSON.serialize(spec)));
        return cursorReply(`${dbName}.${collName}`, 0n, 'firstBatch', list);
      }
      case 'createIndexes': {
        const collName = String(cmd.createIndexes);
        collection(dbName, collName, true);
        const known = info(dbName, collName).indexes;
        for (const spec of (cmd.indexes ?? []) as Doc[]) {
          if (!known.some((k) => k.name === spec.name)) known.push({ v: 2, ...spec });
        }
        return ok({ numIndexesAfter: known.length });
      }
      case 'create': {
        const collName = String(cmd.create);
        if (databases.get(dbName)?.has(collName)) return fail(48, 'NamespaceExists', `Collection ${dbName}.${collName} already exists.`);
        collection(dbName, collName, true);
        const { create: _create, $db: _db, lsid: _lsid, $clusterTime: _ct, $readPreference: _rp, writeConcern: _wc, ...createOptions } = cmd;
        info(dbName, collName).options = createOptions;
        return ok();
      }
      case 'drop':
        databases.get(dbName)?.delete(String(cmd.drop));
        infos.delete(`${dbName}.${String(cmd.drop)}`);
        return ok({ nIndexesWas: 1, ns: `${dbName}.${String(cmd.drop)}` });
      case 'dropDatabase':
        databases.delete(dbName);
        for (const key of [...infos.keys()]) if (key.startsWith(`${dbName}.`)) infos.delete(key);
        return ok({ dropped: dbName });
      case 'insert': {
        const coll = collection(dbName, String(cmd.insert), true)!;
        const writeErrors: Doc[] = [];
        let n = 0;
        for (const [index, given] of raws('documents').entries()) {
          // mongod gives a document without _id a new ObjectId, first (forceServerObjectId relies on it)
          const raw = idOfRaw(given) === undefined ? withId(given, new ObjectId()) : given;
          const key = idKeyOf(idOfRaw(raw));
          if (coll.has(key)) {
            writeErrors.push({ index, code: 11000, errmsg: `E11000 duplicate key error collection: ${dbName}.${String(cmd.insert)}` });
            if (cmd.ordered !== false) break;
            continue;
          }
          coll.set(key, raw);
          n += 1;
        }
        return ok(writeErrors.length ? { n, writeErrors } : { n });
      }
      case 'update': {
        const coll = collection(dbName, String(cmd.update), true)!;
        let n = 0;
        for (const statementRaw of raws('updates')) {
          const statement = BSON.deserialize(statementRaw, { ...DESERIALIZE, raw: true }) as Doc;
          const q = BSON.deserialize(Buffer.from(statement.q as Uint8Array), DESERIALIZE) as Doc;
          const u = Buffer.from(statement.u as Uint8Array);
          if (Object.keys(BSON.deserialize(u)).some((k) => k.startsWith('$'))) throw new Error('test server supports only replacement updates');
          for (const old of matching(coll, q)) {
            const replacement = BSON.deserialize(u, DESERIALIZE)._id === undefined ? withId(u, idOfRaw(old)) : u;
            coll.set(idKeyOf(idOfRaw(old)), replacement);
            n += 1;
          }
        }
        return ok({ n, nModified: n });
      }
      case 'delete': {
        const coll = collection(dbName, String(cmd.delete), false);
        let n = 0;
        for (const statementRaw of raws('deletes')) {
          const statement = BSON.deserialize(statementRaw, DESERIALIZE) as Doc;
          const limit = num(statement.limit) ?? 0;
          for (const doc of matching(coll, statement.q as Doc)) {
            coll!.delete(idKeyOf(idOfRaw(doc)));
            n += 1;
            if (limit === 1) break;
          }
        }
        return ok({ n });
      }
      case 'count': {
        return ok({ n: matching(collection(dbName, String(cmd.count), false), cmd.query as Doc).length });
      }
      case 'find': {
        const collName = String(cmd.find);
        if (isView(dbName, collName)) return fail(2, 'BadValue', 'the test server cannot evaluate view pipelines');
        let docs = matching(collection(dbName, collName, false), cmd.filter as Doc);
        const limit = num(cmd.limit) ?? 0;
        const skip = num(cmd.skip) ?? 0;
        docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
        const cursor: Cursor = { ns: `${dbName}.${collName}`, docs, pos: 0 };
        const batchSize = num(cmd.batchSize) ?? 101;
        const first = takeBatch(cursor, cmd.singleBatch ? Number.MAX_SAFE_INTEGER : batchSize);
        let id = 0n;
        if (cursor.pos < docs.length && !cmd.singleBatch) {
          id = nextCursor++;
          cursors.set(id.toString(), cursor);
        }
        return cursorReply(cursor.ns, id, 'firstBatch', first);
      }
      case 'getMore': {
        if (options.beforeGetMore) await options.beforeGetMore();
        const id = BigInt(String(cmd.getMore));
        const cursor = cursors.get(id.toString());
        if (!cursor) return fail(43, 'CursorNotFound', `cursor id ${id} not found`);
        const batch = takeBatch(cursor, num(cmd.batchSize) ?? Number.MAX_SAFE_INTEGER);
        const done = cursor.pos >= cursor.docs.length;
        if (done) cursors.delete(id.toString());
        return cursorReply(cursor.ns, done ? 0n : id, 'nextBatch', batch);
      }
      case 'killCursors': {
        const ids = ((cmd.cursors ?? []) as unknown[]).map((c) => String(c));
        for (const id of ids) cursors.delete(id);
        return ok({ cursorsKilled: (cmd.cursors ?? []) as unknown[], cursorsNotFound: [], cursorsAlive: [], cursorsUnknown: [] });
      }
      default:
        return fail(59, 'CommandNotFound', `no such command: '${name}'`);
    }
  };

  const reply = (socket: Socket, responseTo: number, opCode: number, payload: Buffer): void => {
    const header = Buffer.alloc(16);
    header.writeInt32LE(16 + payload.length, 0);
    header.writeInt32LE(0, 4);
    header.writeInt32LE(responseTo, 8);
    header.writeInt32LE(opCode, 12);
    socket.write(Buffer.concat([header, payload]));
  };

  const handle = async (socket: Socket, message: Buffer, connectionId: number): Promise<void> => {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode === OP_QUERY) {
      let at = 20;
      at = message.indexOf(0, at) + 1 + 8; // fullCollectionName, numberToSkip, numberToReturn
      const query = message.subarray(at, at + message.readInt32LE(at));
      const body = await run(query, new Map(), connectionId).catch((error: Error) => fail(8000, 'TestServerError', error.message));
      const prefix = Buffer.alloc(20);
      prefix.writeInt32LE(0, 0);
      prefix.writeBigInt64LE(0n, 4);
      prefix.writeInt32LE(0, 12);
      prefix.writeInt32LE(1, 16);
      reply(socket, requestId, OP_REPLY, Buffer.concat([prefix, body]));
      return;
    }
    if (opCode !== OP_MSG) throw new Error(`unsupported opCode ${opCode}`);
    const flags = message.readUInt32LE(16);
    const end = flags & 1 ? message.length - 4 : message.length;
    let at = 20;
    let body: Buffer | undefined;
    const sequences = new Map<string, Buffer[]>();
    while (at < end) {
      const kind = message[at]!;
      at += 1;
      if (kind === 0) {
        const length = message.readInt32LE(at);
        body = message.subarray(at, at + length);
        at += length;
      } else {
        const size = message.readInt32LE(at);
        const stop = at + size;
        const nameEnd = message.indexOf(0, at + 4);
        const identifier = message.toString('utf8', at + 4, nameEnd);
        const docs: Buffer[] = [];
        for (let p = nameEnd + 1; p < stop; p += message.readInt32LE(p)) docs.push(Buffer.from(message.subarray(p, p + message.readInt32LE(p))));
        sequences.set(identifier, docs);
        at = stop;
      }
    }
    if (!body) throw new Error('OP_MSG without a body section');
    const result = await run(Buffer.from(body), sequences, connectionId).catch((error: Error) => fail(8000, 'TestServerError', error.message));
    if (flags & 2) return; // moreToCome: the client expects no reply
    const payload = Buffer.alloc(5);
    payload.writeUInt32LE(0, 0);
    payload[4] = 0;
    reply(socket, requestId, OP_MSG, Buffer.concat([payload, result]));
  };

  let port = 0;
  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    const connectionId = nextConnection++;
    // Chunks are kept in a list and joined once a whole message is there (joining on
    // every 64 KiB chunk would copy a 16 MiB message hundreds of times).
    let chunks: Buffer[] = [];
    let buffered = 0;
    let queue: Promise<void> = Promise.resolve();
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      buffered += chunk.length;
      for (;;) {
        if (buffered < 4) return;
        if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks)];
        const length = chunks[0]!.readInt32LE(0);
        if (length < 16) {
          socket.destroy(); // not a MongoDB message
          return;
        }
        if (buffered < length) return;
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const message = Buffer.from(all.subarray(0, length));
        const rest = all.subarray(length);
        chunks = rest.length > 0 ? [rest] : [];
        buffered = rest.length;
        queue = queue.then(() => handle(socket, message, connectionId)).catch(() => { socket.destroy(); });
      }
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, onConnection) : createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: (db, query) => `mongodb://127.0.0.1:${port}/${db}${query ? `?${query}` : ''}`,
    documents: (db, name) => [...(databases.get(db)?.get(name)?.values() ?? [])],
    insertRaw: (db, name, docs) => {
      const coll = collection(db, name, true)!;
      // Documents without _id (old capped collections, local.*) get a key of their own each.
      for (const doc of docs) coll.set(idOfRaw(doc) === undefined ? `noid-${coll.size}-${randomBytes(4).toString('hex')}` : idKeyOf(idOfRaw(doc)), doc);
    },
    commandCounts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Puts `_id` first into a replacement document that lacks it (as mongod does). */
function withId(raw: Buffer, id: unknown): Buffer {
  const idElement = element('_id', id);
  const body = raw.subarray(4, raw.length - 1);
  return document([idElement, Buffer.from(body)]);
}
